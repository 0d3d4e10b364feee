import type { NewsCorpus } from './NewsCorpus.ts';

/** Marks a padded history slot in samples (corpus indices are never negative). */
export const PADDING_NEWS = -1;

/** A user history as corpus indices of fixed length, with 1 for real clicks and 0 for padding. */
export interface PaddedHistory {
  readonly news: number[];
  readonly mask: number[];
}

/**
 * Keeps the last `length` clicks (the most recent ones, as MIND lists history
 * oldest first) and pads on the left with PADDING_NEWS, as the Tiny-NewsRec
 * code does, so that the latest click is always in the last slot.
 */
export function padHistory(history: readonly string[], corpus: NewsCorpus, length: number): PaddedHistory {
  const recent = length > 0 ? history.slice(-length) : [];
  const padding = length - recent.length;
  return {
    news: [...new Array<number>(padding).fill(PADDING_NEWS), ...recent.map((id) => corpus.requireIndex(id))],
    mask: [...new Array<number>(padding).fill(0), ...new Array<number>(recent.length).fill(1)],
  };
}
