"""Compute reference ranking metrics for test/fixtures/metrics/impressions.json.

AUC comes from sklearn.metrics.roc_auc_score. MRR and nDCG follow the MIND
evaluation script: rank with numpy argsort(scores)[::-1], gains 2^label - 1,
discounts log2(rank + 1). Impressions whose labels are all 0 or all 1 are
skipped and counted, and the means run over the remaining impressions.

The script's order of tied scores depends on numpy's sort kernel: older numpy
sorts arrays of up to 16 elements stably, while numpy 2.4 on an AVX2 CPU
returns ties in an order that is neither stable nor reversed. This reference
therefore ranks with argsort(kind="stable")[::-1], the order of the older
kernel, so that the expected values do not depend on the machine.

Run once with numpy and scikit-learn installed:
    python scripts/reference/metrics_reference.py > test/fixtures/metrics/impressions.json
"""

import json
import sys

import numpy as np
import sklearn
from sklearn.metrics import roc_auc_score

# Hand-made impressions: (name, labels, scores).
IMPRESSIONS = [
    ("one positive ranked first", [1, 0, 0, 0], [0.9, 0.1, 0.4, 0.3]),
    ("one positive ranked third", [0, 0, 1, 0, 0], [0.8, 0.7, 0.5, 0.2, 0.1]),
    ("many positives", [1, 0, 1, 1, 0, 0, 1, 0], [0.3, 0.2, 0.9, 0.1, 0.6, 0.4, 0.8, 0.05]),
    ("positive tied with a negative", [0, 1, 0, 0], [0.5, 0.5, 0.2, 0.1]),
    ("all scores tied", [0, 1, 0, 1, 0], [1.0, 1.0, 1.0, 1.0, 1.0]),
    ("ties inside both classes", [1, 1, 0, 0, 0, 1], [0.7, 0.2, 0.7, 0.2, 0.1, 0.2]),
    ("all skipped", [0, 0, 0], [0.3, 0.2, 0.1]),
    ("all clicked", [1, 1], [0.3, 0.4]),
    ("negative scores", [0, 1, 0], [-2.5, -0.5, -1.0]),
    (
        "twelve candidates with ties",
        [0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1],
        [0.2, 0.4, 0.4, 0.9, 0.1, 0.3, 0.3, 0.3, 0.8, 0.05, 0.6, 0.7],
    ),
    (
        "twenty candidates, positive below rank ten",
        [0] * 13 + [1] + [0] * 6,
        [round(1.0 - 0.04 * i, 2) for i in range(20)],
    ),
]


def dcg(labels, scores, k):
    order = np.argsort(scores, kind="stable")[::-1]
    gains = 2 ** np.take(labels, order[:k]) - 1
    discounts = np.log2(np.arange(len(gains)) + 2)
    return float(np.sum(gains / discounts))


def ndcg(labels, scores, k):
    return dcg(labels, scores, k) / dcg(labels, labels, k)


def mrr(labels, scores):
    order = np.argsort(scores, kind="stable")[::-1]
    ranked = np.take(labels, order)
    return float(np.sum(ranked / (np.arange(len(ranked)) + 1)) / np.sum(ranked))


def main():
    rows = []
    sums = {"auc": 0.0, "mrr": 0.0, "ndcg5": 0.0, "ndcg10": 0.0}
    counted = 0
    for name, labels, scores in IMPRESSIONS:
        labels_array = np.array(labels)
        scores_array = np.array(scores, dtype=np.float64)
        row = {"name": name, "labels": labels, "scores": scores}
        if labels_array.sum() in (0, len(labels)):
            row["skipped"] = True
        else:
            row["skipped"] = False
            row["auc"] = float(roc_auc_score(labels_array, scores_array))
            row["mrr"] = mrr(labels_array, scores_array)
            row["ndcg5"] = ndcg(labels_array, scores_array, 5)
            row["ndcg10"] = ndcg(labels_array, scores_array, 10)
            for key in sums:
                sums[key] += row[key]
            counted += 1
        rows.append(row)
    result = {
        "generator": f"scripts/reference/metrics_reference.py with numpy {np.__version__}, scikit-learn {sklearn.__version__}",
        "impressions": rows,
        "mean": {key: value / counted for key, value in sums.items()},
        "counted": counted,
        "skipped": len(rows) - counted,
    }
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
