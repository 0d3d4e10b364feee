import type { MindSplit } from '../../components/dataset/MindDataset.ts';
import { fineTuneSamples, type FineTuneSample, type FineTuneSampleOptions } from '../data/fineTuneSamples.ts';
import type { NewsCorpus } from '../data/NewsCorpus.ts';
import type { Random } from '../random/Random.ts';
import type { ClickBatch } from './clickForward.ts';

/** Reads a labelled split and builds its fine-tuning samples (one per click). */
export async function collectFineTuneSamples(
  split: MindSplit,
  corpus: NewsCorpus,
  random: Random,
  options: FineTuneSampleOptions,
): Promise<FineTuneSample[]> {
  const samples: FineTuneSample[] = [];
  for await (const impression of split.impressions()) {
    samples.push(...fineTuneSamples(impression, corpus, random, options));
  }
  if (samples.length === 0) {
    throw new Error(`${split.behaviorsFile}: no impression has both a clicked and a skipped candidate to train on`);
  }
  return samples;
}

/** Packs samples into a click batch (histories left-padded with -1, clicked candidate first). */
export function toClickBatch(samples: readonly FineTuneSample[]): ClickBatch {
  const first = samples[0];
  if (first === undefined) {
    throw new Error('a click batch needs at least one sample');
  }
  const historyLength = first.history.length;
  const candidateCount = first.candidates.length;
  const histories = new Int32Array(samples.length * historyLength);
  const candidates = new Int32Array(samples.length * candidateCount);
  samples.forEach((sample, index) => {
    histories.set(sample.history, index * historyLength);
    candidates.set(sample.candidates, index * candidateCount);
  });
  return { size: samples.length, historyLength, candidateCount, histories, candidates };
}

/** Batches of one epoch in a random order; the last batch may be smaller. */
export function* epochBatches(samples: readonly FineTuneSample[], batchSize: number, random: Random): Generator<ClickBatch> {
  const order = random.shuffle(samples.map((_, index) => index));
  for (let start = 0; start < order.length; start += batchSize) {
    yield toClickBatch(order.slice(start, start + batchSize).map((index) => samples[index] as FineTuneSample));
  }
}
