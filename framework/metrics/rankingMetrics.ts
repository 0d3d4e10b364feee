/**
 * Per-impression ranking metrics with the definitions of the MIND leaderboard.
 * `labels` are 0/1 clicks and `scores` the model's scores, in the same order.
 */

/**
 * Area under the ROC curve, equal to sklearn's roc_auc_score: the probability
 * that a random clicked candidate outscores a random skipped one, where a tie
 * counts one half. Computed from mid-ranks (Mann-Whitney U) in O(n log n).
 * Returns NaN when the labels hold only one class.
 */
export function auc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  checkLengths(labels, scores);
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => (scores[a] as number) - (scores[b] as number));
  let positives = 0;
  let positiveRankSum = 0;
  let start = 0;
  while (start < order.length) {
    let end = start;
    while (end + 1 < order.length && scores[order[end + 1] as number] === scores[order[start] as number]) {
      end += 1;
    }
    // Tied scores share the mean of the 1-based ranks start+1 .. end+1.
    const midRank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) {
      if (labels[order[k] as number] === 1) {
        positives += 1;
        positiveRankSum += midRank;
      }
    }
    start = end + 1;
  }
  const negatives = scores.length - positives;
  if (positives === 0 || negatives === 0) {
    return Number.NaN;
  }
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Mean reciprocal rank as the MIND evaluation script computes it: the sum of
 * 1/rank over clicked candidates divided by the number of clicks.
 */
export function mrr(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  checkLengths(labels, scores);
  const ranked = rankByScore(scores);
  let sum = 0;
  let clicks = 0;
  ranked.forEach((candidate, position) => {
    sum += (labels[candidate] as number) / (position + 1);
    clicks += labels[candidate] as number;
  });
  return sum / clicks;
}

/**
 * nDCG@k as the MIND evaluation script computes it: gains 2^label - 1,
 * discounts log2(position + 2) over the top k, normalised by the DCG of the
 * ideal order. NaN without clicks.
 */
export function ndcg(labels: ArrayLike<number>, scores: ArrayLike<number>, k: number): number {
  checkLengths(labels, scores);
  return dcg(labels, scores, k) / dcg(labels, labels, k);
}

function dcg(labels: ArrayLike<number>, scores: ArrayLike<number>, k: number): number {
  let sum = 0;
  rankByScore(scores)
    .slice(0, k)
    .forEach((candidate, position) => {
      sum += (2 ** (labels[candidate] as number) - 1) / Math.log2(position + 2);
    });
  return sum;
}

/**
 * Sorts candidate positions from the highest score to the lowest, the later
 * of two tied candidates first. That is the MIND script's `argsort(scores)[::-1]`
 * where numpy sorts stably (arrays of up to 16 elements before numpy's SIMD
 * sorts). NOTE: with other numpy kernels the script orders ties differently,
 * so MRR and nDCG of tied scores may differ from its output. AUC is exact.
 */
function rankByScore(scores: ArrayLike<number>): number[] {
  const positions = Array.from({ length: scores.length }, (_, i) => i);
  return positions.sort((a, b) => (scores[b] as number) - (scores[a] as number) || b - a);
}

function checkLengths(labels: ArrayLike<number>, scores: ArrayLike<number>): void {
  if (labels.length !== scores.length) {
    throw new Error(`labels and scores must have the same length, got ${labels.length} labels and ${scores.length} scores`);
  }
}
