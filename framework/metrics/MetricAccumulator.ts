import { auc, mrr, ndcg } from './rankingMetrics.ts';

/** Averages over the impressions that have both clicked and skipped candidates. */
export interface RankingMetrics {
  readonly auc: number;
  readonly mrr: number;
  readonly ndcg5: number;
  readonly ndcg10: number;
  /** Impressions that entered the averages. */
  readonly impressions: number;
  /** Impressions skipped because their labels were all 0 or all 1. */
  readonly skipped: number;
}

/**
 * Collects per-impression AUC, MRR, nDCG@5 and nDCG@10 and averages them over
 * impressions, as the MIND leaderboard does. Impressions whose labels are all
 * 0 or all 1 are skipped, as in the Tiny-NewsRec code, and counted.
 */
export class MetricAccumulator {
  private sums = { auc: 0, mrr: 0, ndcg5: 0, ndcg10: 0 };
  private impressions = 0;
  private skipped = 0;

  /** Adds one impression; returns false when it was skipped for having one label class. */
  add(labels: ArrayLike<number>, scores: ArrayLike<number>): boolean {
    let clicks = 0;
    for (let i = 0; i < labels.length; i++) {
      const label = labels[i];
      if (label !== 0 && label !== 1) {
        throw new Error(`labels must be 0 or 1, got ${String(label)} at position ${i}`);
      }
      clicks += label;
    }
    if (clicks === 0 || clicks === labels.length) {
      this.skipped += 1;
      return false;
    }
    this.sums.auc += auc(labels, scores);
    this.sums.mrr += mrr(labels, scores);
    this.sums.ndcg5 += ndcg(labels, scores, 5);
    this.sums.ndcg10 += ndcg(labels, scores, 10);
    this.impressions += 1;
    return true;
  }

  /** Computes the averages so far; each is NaN before the first counted impression. */
  result(): RankingMetrics {
    const mean = (sum: number): number => (this.impressions === 0 ? Number.NaN : sum / this.impressions);
    return {
      auc: mean(this.sums.auc),
      mrr: mean(this.sums.mrr),
      ndcg5: mean(this.sums.ndcg5),
      ndcg10: mean(this.sums.ndcg10),
      impressions: this.impressions,
      skipped: this.skipped,
    };
  }
}
