/**
 * The 1-based rank of each candidate by descending score, in candidate order:
 * the MIND leaderboard's `prediction.txt` lists these, so rank 1 marks the
 * candidate to show first. Equal scores keep candidate order, which makes the
 * ranks a permutation of 1..n.
 */
export function rankCandidates(scores: ArrayLike<number>): number[] {
  const order = Array.from({ length: scores.length }, (_, index) => index);
  order.sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
  const ranks = new Array<number>(scores.length);
  order.forEach((candidate, position) => {
    ranks[candidate] = position + 1;
  });
  return ranks;
}

/** One line of `prediction.txt`: `<impression id> [r1,r2,...]` without spaces inside the brackets. */
export function formatPredictionLine(impressionId: string, ranks: readonly number[]): string {
  return `${impressionId} [${ranks.join(',')}]`;
}
