import type { Random } from '../random/Random.ts';
import type { NewsCorpus } from './NewsCorpus.ts';
import { padHistory } from './padHistory.ts';
import type { Impression } from './readBehaviors.ts';

/** One fine-tuning example: a clicked candidate and `npratio` skipped ones from the same impression. */
export interface FineTuneSample {
  readonly impressionId: string;
  /** Corpus indices, the clicked news first, so the target class is always 0. */
  readonly candidates: number[];
  /** Corpus indices of the last clicks, left-padded with PADDING_NEWS. */
  readonly history: number[];
  /** 1 for a real click, 0 for padding. */
  readonly historyMask: number[];
}

export interface FineTuneSampleOptions {
  /** Skipped candidates per clicked one. */
  readonly npratio: number;
  /** History slots per sample. */
  readonly historyLength: number;
}

/**
 * Builds one sample per clicked candidate of a labelled impression. Negatives
 * come from the skipped candidates of the same impression: without replacement
 * when there are at least `npratio` of them, with replacement otherwise, as in
 * the Tiny-NewsRec code. Impressions without a skipped candidate give no
 * samples. Raises an error on an unlabelled (test) impression.
 */
export function fineTuneSamples(impression: Impression, corpus: NewsCorpus, random: Random, options: FineTuneSampleOptions): FineTuneSample[] {
  const clicked: number[] = [];
  const skipped: number[] = [];
  for (const candidate of impression.candidates) {
    if (candidate.label === undefined) throw unlabelledError(impression);
    (candidate.label === 1 ? clicked : skipped).push(corpus.requireIndex(candidate.newsId));
  }
  if (clicked.length === 0 || skipped.length === 0) {
    return [];
  }

  const history = padHistory(impression.history, corpus, options.historyLength);
  return clicked.map((positive) => ({
    impressionId: impression.id,
    candidates: [positive, ...sampleNegatives(skipped, options.npratio, random)],
    history: history.news,
    historyMask: history.mask,
  }));
}

/**
 * Returns how many samples fineTuneSamples builds from an impression (its
 * clicks, or 0 without a skipped candidate) without drawing any negative.
 */
export function fineTuneSampleCount(impression: Impression): number {
  let clicked = 0;
  let skipped = 0;
  for (const candidate of impression.candidates) {
    if (candidate.label === undefined) throw unlabelledError(impression);
    if (candidate.label === 1) clicked += 1;
    else skipped += 1;
  }
  return skipped === 0 ? 0 : clicked;
}

function unlabelledError(impression: Impression): Error {
  return new Error(`impression ${impression.id} (line ${impression.line}) has no labels, so it cannot be used for training`);
}

function sampleNegatives(pool: readonly number[], count: number, random: Random): number[] {
  if (pool.length < count) {
    return Array.from({ length: count }, () => pool[random.int(pool.length)] as number);
  }
  return random.shuffle([...pool]).slice(0, count);
}
