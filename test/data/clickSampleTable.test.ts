import { beforeAll, describe, expect, it } from 'vitest';
import type { MindDataset } from '../../components/dataset/MindDataset.ts';
import { fineTuneSamples } from '../../framework/data/fineTuneSamples.ts';
import { openMindDataset } from '../../framework/data/openMindDataset.ts';
import { Random } from '../../framework/random/Random.ts';
import { collectFineTuneSamples, epochBatches, toClickBatch, type ClickSample, type ClickSampleTable } from '../../framework/training/clickBatches.ts';
import type { ClickBatch } from '../../framework/training/clickForward.ts';
import { MIND_SAMPLE } from './mindSample.ts';
import { join } from 'node:path';

const OPTIONS = { npratio: 4, historyLength: 50 };

/** Builds the samples as objects, one per click, shuffled with Random.shuffle, as the code before the table did. */
async function objectBatches(dataset: MindDataset, batchSize: number, sampleSeed: number, shuffleSeed: number): Promise<ClickBatch[]> {
  const split = dataset.split('train');
  if (split === undefined) throw new Error('no train split');
  const random = new Random(sampleSeed);
  const samples: ClickSample[] = [];
  for await (const impression of split.impressions()) {
    for (const sample of fineTuneSamples(impression, dataset.corpus, random, OPTIONS)) samples.push({ ...sample, user: 0 });
  }
  const order = new Random(shuffleSeed).shuffle(samples.map((_, index) => index));
  const batches: ClickBatch[] = [];
  for (let start = 0; start < order.length; start += batchSize) {
    batches.push(toClickBatch(order.slice(start, start + batchSize).map((index) => samples[index] as ClickSample)));
  }
  return batches;
}

describe('click sample table on the MIND sample', () => {
  let dataset: MindDataset;
  let table: ClickSampleTable;
  let expected: ClickBatch[];

  beforeAll(async () => {
    dataset = await openMindDataset({ train: join(MIND_SAMPLE, 'train') });
    const split = dataset.split('train');
    if (split === undefined) throw new Error('no train split');
    table = await collectFineTuneSamples(split, dataset.corpus, new Random(11), OPTIONS);
    expected = await objectBatches(dataset, 32, 11, 12);
  });

  it('holds one sample per click', () => {
    const clicks = expected.reduce((total, batch) => total + batch.size, 0);
    expect(table.length).toBe(clicks);
    expect(table.candidateCount).toBe(5);
  });

  it('gives the same batches as object samples', () => {
    const batches = [...epochBatches(table, 32, new Random(12))];
    expect(batches).toHaveLength(expected.length);
    batches.forEach((batch, index) => {
      const reference = expected[index] as ClickBatch;
      expect(batch.size, `batch ${index} size`).toBe(reference.size);
      expect(Array.from(batch.histories), `batch ${index} histories`).toEqual(Array.from(reference.histories));
      expect(Array.from(batch.candidates), `batch ${index} candidates`).toEqual(Array.from(reference.candidates));
    });
  });

  it('pads short histories on the left', () => {
    const batch = table.batch([0]);
    const firstReal = Array.from(batch.histories).findIndex((row) => row >= 0);
    const real = Array.from(batch.histories).filter((row) => row >= 0).length;
    expect(firstReal === -1 ? 0 : 50 - firstReal).toBe(real);
  });

  it('rejects an empty batch', () => {
    expect(() => table.batch([])).toThrow('a click batch needs at least one sample');
  });
});
