import type { MindSplit } from '../../components/dataset/MindDataset.ts';
import { fineTuneSamples, type FineTuneSampleOptions } from '../data/fineTuneSamples.ts';
import type { NewsCorpus } from '../data/NewsCorpus.ts';
import { UserIndex } from '../model/UserIndex.ts';
import type { Random } from '../random/Random.ts';
import { toClickBatch, type ClickSample } from './clickBatches.ts';
import type { ClickBatch } from './clickForward.ts';
import { shuffleBuffer } from './shuffleBuffer.ts';

export interface StreamedBatchOptions extends FineTuneSampleOptions {
  readonly batchSize: number;
  /** Samples held by the shuffle buffer. */
  readonly shuffleBuffer: number;
}

/**
 * Reads the split once and yields its fine-tuning samples in file order,
 * negatives drawn from `random` as collectFineTuneSamples draws them.
 */
export async function* splitSamples(
  split: MindSplit,
  corpus: NewsCorpus,
  random: Random,
  options: FineTuneSampleOptions,
  users?: UserIndex,
): AsyncGenerator<ClickSample> {
  for await (const impression of split.impressions()) {
    const user = users?.indexOf(impression.userId) ?? UserIndex.UNKNOWN;
    for (const sample of fineTuneSamples(impression, corpus, random, options)) yield { ...sample, user };
  }
}

/**
 * Yields the batches of one epoch read from the split as a stream: samples
 * go through a shuffle buffer of `options.shuffleBuffer` samples, and the
 * last batch may be smaller. Negatives and buffer slots come from `random`
 * in turn, so one random state gives one batch sequence. Memory is the
 * buffer and one batch, whatever the number of impressions.
 */
export async function* streamedEpochBatches(
  split: MindSplit,
  corpus: NewsCorpus,
  random: Random,
  options: StreamedBatchOptions,
  users?: UserIndex,
): AsyncGenerator<ClickBatch> {
  let pending: ClickSample[] = [];
  for await (const sample of shuffleBuffer(splitSamples(split, corpus, random, options, users), options.shuffleBuffer, random)) {
    pending.push(sample);
    if (pending.length === options.batchSize) {
      yield toClickBatch(pending);
      pending = [];
    }
  }
  if (pending.length > 0) yield toClickBatch(pending);
}
