import { distance } from 'fastest-levenshtein';

/** Sorts candidates by edit distance to `name`, closest first; ties keep their order. */
export function sortByCloseness(name: string, candidates: readonly string[]): string[] {
  return candidates
    .map((candidate, index) => ({ candidate, index, distance: distance(name.toLowerCase(), candidate.toLowerCase()) }))
    .sort((a, b) => a.distance - b.distance || a.index - b.index)
    .map((entry) => entry.candidate);
}

/**
 * The candidate worth suggesting for a misspelled name, or undefined when
 * none is close: at most a third of the longer name's characters may differ
 * (at least one), so 'plmm' suggests 'plm' but 'lstm' suggests nothing.
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const [best] = sortByCloseness(name, candidates);
  if (best === undefined) {
    return undefined;
  }
  const allowed = Math.max(1, Math.floor(Math.max(name.length, best.length) / 3));
  return distance(name.toLowerCase(), best.toLowerCase()) <= allowed ? best : undefined;
}

/** `; did you mean 'plm'?` when a candidate is close, else the empty string. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const best = closestName(name, candidates);
  return best === undefined ? '' : `; did you mean '${best}'?`;
}
