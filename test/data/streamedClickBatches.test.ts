import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MindDataset, MindSplit } from '../../components/dataset/MindDataset.ts';
import { openMindDataset } from '../../framework/data/openMindDataset.ts';
import { Random, RandomLedger } from '../../framework/random/Random.ts';
import type { ClickBatch } from '../../framework/training/clickForward.ts';
import { FineTuneData, type FineTuneDataSettings } from '../../framework/training/FineTuneData.ts';
import type { PositionedBatch } from '../../framework/training/positionedBatches.ts';
import { shuffleBuffer } from '../../framework/training/shuffleBuffer.ts';
import { splitSamples } from '../../framework/training/streamedClickBatches.ts';
import { MIND_SAMPLE } from './mindSample.ts';

const SAMPLE_OPTIONS = { npratio: 4, historyLength: 50 };
const STREAMED: FineTuneDataSettings = { ...SAMPLE_OPTIONS, epochs: 2, batchSize: 64, shuffleBuffer: 500 };

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const values: T[] = [];
  for await (const item of items) values.push(item);
  return values;
}

/** Returns a key per sample made of its impression and clicked news, which do not depend on the negatives drawn. */
function sampleKeys(batch: ClickBatch): string[] {
  return Array.from({ length: batch.size }, (_, slot) => `${batch.impressionIds?.[slot]}:${batch.candidates[slot * batch.candidateCount]}`);
}

function countKeys(keys: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

/** Drains shuffleBuffer over `items` and returns how many items came out and the most it held at once. */
async function drainCounting<T>(items: AsyncIterable<T>, size: number, random: Random): Promise<{ received: number; maxHeld: number }> {
  let pulled = 0;
  async function* counted(): AsyncGenerator<T> {
    for await (const item of items) {
      pulled += 1;
      yield item;
    }
  }
  let received = 0;
  let maxHeld = 0;
  for await (const _ of shuffleBuffer(counted(), size, random)) {
    received += 1;
    maxHeld = Math.max(maxHeld, pulled - received);
  }
  return { received, maxHeld };
}

async function* range(count: number): AsyncGenerator<number> {
  for (let index = 0; index < count; index++) yield index;
}

function epochOf(batches: readonly PositionedBatch<ClickBatch>[], epoch: number): ClickBatch[] {
  return batches.filter((batch) => batch.epoch === epoch).map((batch) => batch.value);
}

describe('shuffleBuffer', () => {
  it('emits every item once', async () => {
    const items = Array.from({ length: 1000 }, (_, index) => index);
    const shuffled = await collect(shuffleBuffer(items, 64, new Random(1)));
    expect(shuffled).toHaveLength(1000);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
    expect(shuffled).not.toEqual(items);
  });

  it('holds at most its size', async () => {
    const { received, maxHeld } = await drainCounting(range(1000), 64, new Random(2));
    expect(received).toBe(1000);
    expect(maxHeld).toBe(64);
  });

  it('repeats an order for a seed', async () => {
    const items = Array.from({ length: 300 }, (_, index) => index);
    const first = await collect(shuffleBuffer(items, 50, new Random(3)));
    const second = await collect(shuffleBuffer(items, 50, new Random(3)));
    const other = await collect(shuffleBuffer(items, 50, new Random(4)));
    expect(second).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it('rejects a size below 1', async () => {
    await expect(collect(shuffleBuffer([1, 2], 0, new Random(1)))).rejects.toThrow(
      'the shuffle buffer size must be a positive integer, got 0',
    );
  });
});

describe('streamed fine-tuning batches on the MIND sample', () => {
  let dataset: MindDataset;
  let split: MindSplit;
  let tableKeys: Map<string, number>;
  let tableCount: number;

  beforeAll(async () => {
    dataset = await openMindDataset({ train: join(MIND_SAMPLE, 'train') });
    const train = dataset.split('train');
    if (train === undefined) throw new Error('no train split');
    split = train;
    const table = await FineTuneData.open(split, dataset.corpus, new Random(11), { ...STREAMED, shuffleBuffer: 0, epochs: 1 });
    tableCount = table.sampleCount;
    const batches = await collect(table.batches(new Random(12)));
    tableKeys = countKeys(batches.flatMap((batch) => sampleKeys(batch.value)));
  });

  it('counts the samples of the table', async () => {
    const data = await FineTuneData.open(split, dataset.corpus, new Random(11), STREAMED);
    expect(data.sampleCount).toBe(tableCount);
    expect(data.describe()).toBe(`${tableCount} samples streamed through a shuffle buffer of 500`);
  });

  it('emits each sample once per epoch', async () => {
    const data = await FineTuneData.open(split, dataset.corpus, new Random(11), STREAMED);
    const batches = await collect(data.batches(new Random(5)));
    for (const epoch of [1, 2]) {
      const epochBatches = epochOf(batches, epoch);
      expect(epochBatches, `epoch ${epoch} batches`).toHaveLength(Math.ceil(tableCount / 64));
      expect(epochBatches.slice(0, -1).every((batch) => batch.size === 64), `epoch ${epoch} full batches`).toBe(true);
      expect(countKeys(epochBatches.flatMap(sampleKeys)), `epoch ${epoch} samples`).toEqual(tableKeys);
    }
  });

  it('buffers at most shuffleBuffer samples', async () => {
    const samples = splitSamples(split, dataset.corpus, new Random(6), SAMPLE_OPTIONS);
    const { received, maxHeld } = await drainCounting(samples, 500, new Random(7));
    expect(received).toBe(tableCount);
    expect(maxHeld).toBe(500);
  });

  it('repeats batches for a seed and reorders epochs', async () => {
    const data = await FineTuneData.open(split, dataset.corpus, new Random(11), STREAMED);
    const first = await collect(data.batches(new Random(5)));
    const second = await collect(data.batches(new Random(5)));
    expect(second).toEqual(first);
    const [epoch1, epoch2] = [epochOf(first, 1), epochOf(first, 2)];
    expect(epoch2.flatMap(sampleKeys)).not.toEqual(epoch1.flatMap(sampleKeys));
    // Negatives are drawn again each epoch, so the same sample gets other candidates.
    expect(epoch2.map((batch) => Array.from(batch.candidates))).not.toEqual(epoch1.map((batch) => Array.from(batch.candidates)));
  });

  it('resumes after a skipped position', async () => {
    const data = await FineTuneData.open(split, dataset.corpus, new Random(11), STREAMED);
    const position = { epoch: 2, batch: 30 };

    // Uninterrupted: the random states at the position are what a checkpoint would save.
    const ledger = RandomLedger.open();
    const uninterrupted = data.batches(new Random(5));
    ledger.close();
    const before: PositionedBatch<ClickBatch>[] = [];
    const after: PositionedBatch<ClickBatch>[] = [];
    let states: number[] = [];
    for await (const batch of uninterrupted) {
      (states.length === 0 ? before : after).push(batch);
      if (batch.epoch === position.epoch && batch.batch === position.batch) states = ledger.states();
    }

    const resumedLedger = RandomLedger.open();
    const resumed = data.batches(new Random(5));
    resumedLedger.close();
    await resumed.skip(position);
    resumedLedger.restore(states);
    const continued = await collect(resumed);
    expect(continued.length).toBeGreaterThan(0);
    expect(continued).toEqual(after);
    expect(before.at(-1)).toMatchObject(position);
  });

  it('rejects a position past the data', async () => {
    const data = await FineTuneData.open(split, dataset.corpus, new Random(11), STREAMED);
    await expect(data.batches(new Random(5)).skip({ epoch: 2, batch: 10_000 })).rejects.toThrow(
      'the data ended before epoch 2, batch 10000 of the checkpoint; the training data changed',
    );
  });
});
