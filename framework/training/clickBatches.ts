import type { MindSplit } from '../../components/dataset/MindDataset.ts';
import { fineTuneSamples, type FineTuneSample, type FineTuneSampleOptions } from '../data/fineTuneSamples.ts';
import type { NewsCorpus } from '../data/NewsCorpus.ts';
import { UserIndex } from '../model/UserIndex.ts';
import type { Random } from '../random/Random.ts';
import type { ClickBatch } from './clickForward.ts';

/** A fine-tuning sample with the index of its user. */
export interface ClickSample extends FineTuneSample {
  /** Index in the run's UserIndex, or UserIndex.UNKNOWN when no model of the stage reads user ids. */
  readonly user: number;
}

/**
 * Reads a labelled split and builds its fine-tuning samples (one per click).
 * Without `users`, every sample gets the unknown user index.
 */
export async function collectFineTuneSamples(
  split: MindSplit,
  corpus: NewsCorpus,
  random: Random,
  options: FineTuneSampleOptions,
  users?: UserIndex,
): Promise<ClickSample[]> {
  const samples: ClickSample[] = [];
  for await (const impression of split.impressions()) {
    const user = users?.indexOf(impression.userId) ?? UserIndex.UNKNOWN;
    for (const sample of fineTuneSamples(impression, corpus, random, options)) {
      samples.push({ ...sample, user });
    }
  }
  if (samples.length === 0) {
    throw new Error(`${split.behaviorsFile}: no impression has both a clicked and a skipped candidate to train on`);
  }
  return samples;
}

/** Packs samples into a click batch (histories left-padded with -1, clicked candidate first). */
export function toClickBatch(samples: readonly ClickSample[]): ClickBatch {
  const first = samples[0];
  if (first === undefined) {
    throw new Error('a click batch needs at least one sample');
  }
  const historyLength = first.history.length;
  const candidateCount = first.candidates.length;
  const histories = new Int32Array(samples.length * historyLength);
  const candidates = new Int32Array(samples.length * candidateCount);
  const users = new Int32Array(samples.length);
  samples.forEach((sample, index) => {
    histories.set(sample.history, index * historyLength);
    candidates.set(sample.candidates, index * candidateCount);
    users[index] = sample.user;
  });
  const impressionIds = samples.map((sample) => sample.impressionId);
  return { size: samples.length, historyLength, candidateCount, histories, candidates, users, impressionIds };
}

/** Batches of one epoch in a random order; the last batch may be smaller. */
export function* epochBatches(samples: readonly ClickSample[], batchSize: number, random: Random): Generator<ClickBatch> {
  const order = random.shuffle(samples.map((_, index) => index));
  for (let start = 0; start < order.length; start += batchSize) {
    yield toClickBatch(order.slice(start, start + batchSize).map((index) => samples[index] as ClickSample));
  }
}
