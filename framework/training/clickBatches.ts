import type { MindSplit } from '../../components/dataset/MindDataset.ts';
import { fineTuneSampleCount, fineTuneSamples, type FineTuneSample, type FineTuneSampleOptions } from '../data/fineTuneSamples.ts';
import type { NewsCorpus } from '../data/NewsCorpus.ts';
import { PADDING_NEWS } from '../data/padHistory.ts';
import { UserIndex } from '../model/UserIndex.ts';
import type { Random } from '../random/Random.ts';
import type { ClickBatch } from './clickForward.ts';

/** A fine-tuning sample with the index of its user. */
export interface ClickSample extends FineTuneSample {
  /** Index in the run's UserIndex, or UserIndex.UNKNOWN when no model of the stage reads user ids. */
  readonly user: number;
}

/** An Int32Array that grows by doubling, for tables built from a stream. */
class IntColumn {
  private values = new Int32Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Int32Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }

  /** Returns a copy cut to the used length, so that the spare half of the last doubling is freed. */
  trimmed(): Int32Array {
    return this.values.slice(0, this.length);
  }
}

/**
 * The fine-tuning samples of a split in typed arrays: per sample its
 * candidates and impression, per impression its user, id and real history
 * (the last `historyLength` clicks, unpadded). An impression's history is
 * stored once for all its clicked candidates, and no object is kept per
 * sample, so memory is about 4 bytes per history entry and per candidate.
 */
export class ClickSampleTable {
  constructor(
    readonly historyLength: number,
    readonly candidateCount: number,
    private readonly candidates: Int32Array,
    private readonly sampleImpressions: Int32Array,
    private readonly historyStarts: Int32Array,
    private readonly historyRows: Int32Array,
    private readonly users: Int32Array,
    private readonly impressionIds: readonly string[],
  ) {}

  /** Number of samples. */
  get length(): number {
    return this.sampleImpressions.length;
  }

  /** Number of impressions that gave at least one sample. */
  get impressionCount(): number {
    return this.users.length;
  }

  /** Packs the given samples into a click batch (histories left-padded with -1, clicked candidate first). */
  batch(indices: ArrayLike<number>): ClickBatch {
    const size = indices.length;
    if (size === 0) {
      throw new Error('a click batch needs at least one sample');
    }
    const { historyLength, candidateCount } = this;
    const histories = new Int32Array(size * historyLength).fill(PADDING_NEWS);
    const candidates = new Int32Array(size * candidateCount);
    const users = new Int32Array(size);
    const impressionIds: string[] = [];
    for (let slot = 0; slot < size; slot++) {
      const sample = indices[slot] as number;
      const impression = this.sampleImpressions[sample] as number;
      const start = this.historyStarts[impression] as number;
      const end = this.historyStarts[impression + 1] as number;
      // Left padding: the latest click goes to the last slot.
      histories.set(this.historyRows.subarray(start, end), slot * historyLength + historyLength - (end - start));
      candidates.set(this.candidates.subarray(sample * candidateCount, (sample + 1) * candidateCount), slot * candidateCount);
      users[slot] = this.users[impression] as number;
      impressionIds.push(this.impressionIds[impression] as string);
    }
    return { size, historyLength, candidateCount, histories, candidates, users, impressionIds };
  }

  /** Returns the id of the impression that sample `index` comes from. */
  impressionIdOf(index: number): string {
    return this.impressionIds[this.sampleImpressions[index] as number] as string;
  }
}

/**
 * Streams a labelled split and builds its fine-tuning samples (one per
 * click) into a ClickSampleTable, drawing negatives exactly as
 * fineTuneSamples does. Without `users`, every sample gets the unknown user
 * index.
 */
export async function collectFineTuneSamples(
  split: MindSplit,
  corpus: NewsCorpus,
  random: Random,
  options: FineTuneSampleOptions,
  users?: UserIndex,
): Promise<ClickSampleTable> {
  const candidates = new IntColumn();
  const sampleImpressions = new IntColumn();
  const historyStarts = new IntColumn();
  const historyRows = new IntColumn();
  const impressionUsers = new IntColumn();
  const impressionIds: string[] = [];
  let candidateCount = options.npratio + 1;
  historyStarts.push(0);
  for await (const impression of split.impressions()) {
    const samples = fineTuneSamples(impression, corpus, random, options);
    const first = samples[0];
    if (first === undefined) continue;
    const index = impressionIds.length;
    impressionIds.push(impression.id);
    impressionUsers.push(users?.indexOf(impression.userId) ?? UserIndex.UNKNOWN);
    for (const row of first.history) {
      if (row !== PADDING_NEWS) historyRows.push(row);
    }
    historyStarts.push(historyRows.length);
    for (const sample of samples) {
      candidateCount = sample.candidates.length;
      for (const row of sample.candidates) candidates.push(row);
      sampleImpressions.push(index);
    }
  }
  if (sampleImpressions.length === 0) {
    throw noSamplesError(split);
  }
  return new ClickSampleTable(
    options.historyLength,
    candidateCount,
    candidates.trimmed(),
    sampleImpressions.trimmed(),
    historyStarts.trimmed(),
    historyRows.trimmed(),
    impressionUsers.trimmed(),
    impressionIds,
  );
}

/**
 * Streams a labelled split and counts its fine-tuning samples (one per click
 * of an impression with a skipped candidate) without storing them or drawing
 * negatives. Raises the errors of collectFineTuneSamples.
 */
export async function countFineTuneSamples(split: MindSplit): Promise<number> {
  let count = 0;
  for await (const impression of split.impressions()) count += fineTuneSampleCount(impression);
  if (count === 0) throw noSamplesError(split);
  return count;
}

function noSamplesError(split: MindSplit): Error {
  return new Error(`${split.behaviorsFile}: no impression has both a clicked and a skipped candidate to train on`);
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

/**
 * Batches of one epoch in a random order; the last batch may be smaller. The
 * shuffle is Fisher-Yates with the same draws as Random.shuffle over the
 * sample indices, so a seed gives the same batches as before the table.
 */
export function* epochBatches(samples: ClickSampleTable, batchSize: number, random: Random): Generator<ClickBatch> {
  const order = new Int32Array(samples.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  for (let i = order.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    const swap = order[i] as number;
    order[i] = order[j] as number;
    order[j] = swap;
  }
  for (let start = 0; start < order.length; start += batchSize) {
    yield samples.batch(order.subarray(start, start + batchSize));
  }
}

/** Splits a batch into consecutive parts of at most `size` samples, in sample order. */
export function splitClickBatch(batch: ClickBatch, size: number): ClickBatch[] {
  const parts: ClickBatch[] = [];
  for (let start = 0; start < batch.size; start += size) {
    const end = Math.min(start + size, batch.size);
    parts.push({
      size: end - start,
      historyLength: batch.historyLength,
      candidateCount: batch.candidateCount,
      histories: batch.histories.slice(start * batch.historyLength, end * batch.historyLength),
      candidates: batch.candidates.slice(start * batch.candidateCount, end * batch.candidateCount),
      users: batch.users.slice(start, end),
      ...(batch.impressionIds === undefined ? {} : { impressionIds: batch.impressionIds.slice(start, end) }),
    });
  }
  return parts;
}
