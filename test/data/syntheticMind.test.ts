import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MindDataset } from '../../components/dataset/MindDataset.ts';
import { syntheticMindDataset } from '../../components/dataset/syntheticMind.ts';
import type { Impression } from '../../framework/data/readBehaviors.ts';
import { MetricAccumulator } from '../../framework/metrics/MetricAccumulator.ts';
import { Random } from '../../framework/random/Random.ts';

const SETTINGS = { news: 300, users: 120, trainImpressions: 400, devImpressions: 200, testImpressions: 20, maxHistory: 30, seed: 3 };

async function collect(rows: AsyncIterable<Impression> | undefined): Promise<Impression[]> {
  const all: Impression[] = [];
  for await (const row of rows ?? []) {
    all.push(row);
  }
  return all;
}

describe('synthetic-mind dataset', () => {
  let directory: string;
  let dataset: MindDataset;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'synthetic-mind-'));
    dataset = await syntheticMindDataset.create(
      { ...SETTINGS, directory: join(directory, 'a') },
      { resolvePath: (path) => path },
    );
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('writes the requested sizes', async () => {
    expect(dataset.corpus.size).toBe(300);
    const train = await collect(dataset.split('train')?.impressions());
    const dev = await collect(dataset.split('dev')?.impressions());
    const test = await collect(dataset.split('test')?.impressions());
    expect(train).toHaveLength(400);
    expect(dev).toHaveLength(200);
    expect(test).toHaveLength(20);
    expect(test.every((impression) => impression.candidates.every((candidate) => candidate.label === undefined))).toBe(true);
  });

  it('shapes impressions like the MIND sample', async () => {
    const train = await collect(dataset.split('train')?.impressions());
    for (const impression of train) {
      const clicks = impression.candidates.filter((candidate) => candidate.label === 1).length;
      expect(impression.candidates.length).toBeGreaterThanOrEqual(10);
      expect(impression.candidates.length).toBeLessThanOrEqual(30);
      expect(clicks).toBeGreaterThanOrEqual(1);
      expect(clicks).toBeLessThanOrEqual(3);
      expect(impression.history.length).toBeLessThanOrEqual(30);
    }
    expect(train.some((impression) => impression.history.length === 0)).toBe(true);
  });

  it('writes the same files for the same settings', async () => {
    await syntheticMindDataset.create({ ...SETTINGS, directory: join(directory, 'b') }, { resolvePath: (path) => path });
    for (const file of ['train/news.tsv', 'train/behaviors.tsv', 'dev/behaviors.tsv']) {
      expect(await readFile(join(directory, 'b', file), 'utf8')).toBe(await readFile(join(directory, 'a', file), 'utf8'));
    }
  });

  it('carries the topic in the title words', () => {
    const { corpus } = dataset;
    const wordsOf = (category: string): Set<string> =>
      new Set(corpus.titles.filter((_, i) => corpus.categories[i] === category).flatMap((title) => title.toLowerCase().split(' ')));
    const sports = wordsOf('sports');
    const finance = wordsOf('finance');
    const shared = [...sports].filter((word) => finance.has(word)).length;
    // Only the common pool is shared between two categories.
    expect(shared / sports.size).toBeLessThan(0.5);
  });

  it('lets a category-matching ranker beat a random one', async () => {
    const { corpus } = dataset;
    const matching = new MetricAccumulator();
    const random = new MetricAccumulator();
    const noise = new Random(11);
    for (const impression of await collect(dataset.split('dev')?.impressions())) {
      const seen = new Map<string, number>();
      for (const id of impression.history) {
        const subcategory = corpus.subcategories[corpus.requireIndex(id)] as string;
        seen.set(subcategory, (seen.get(subcategory) ?? 0) + 1);
        const category = corpus.categories[corpus.requireIndex(id)] as string;
        seen.set(`category:${category}`, (seen.get(`category:${category}`) ?? 0) + 0.5);
      }
      const labels = impression.candidates.map((candidate) => candidate.label ?? 0);
      const scores = impression.candidates.map((candidate) => {
        const index = corpus.requireIndex(candidate.newsId);
        const categoryScore = seen.get(`category:${corpus.categories[index]}`) ?? 0;
        return (seen.get(corpus.subcategories[index] as string) ?? 0) + categoryScore + noise.next() * 1e-3;
      });
      matching.add(labels, scores);
      random.add(labels, labels.map(() => noise.next()));
    }
    expect(random.result().auc).toBeGreaterThan(0.4);
    expect(random.result().auc).toBeLessThan(0.6);
    expect(matching.result().auc).toBeGreaterThan(0.75);
  });
});
