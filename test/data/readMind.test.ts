import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NewsCorpus } from '../../framework/data/NewsCorpus.ts';
import { openMindDataset } from '../../framework/data/openMindDataset.ts';
import { parseMindTime, readBehaviors, type Impression } from '../../framework/data/readBehaviors.ts';
import { readNews, type NewsRecord } from '../../framework/data/readNews.ts';
import { MIND_SAMPLE, sampleFile } from './mindSample.ts';

async function collect<T>(rows: AsyncIterable<T> | Iterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const row of rows) {
    all.push(row);
  }
  return all;
}

describe('readNews on the MIND sample', () => {
  let news: NewsRecord[];
  beforeAll(async () => {
    news = await collect(readNews(sampleFile('train', 'news.tsv')));
  });

  it('reads every row', () => {
    expect(news).toHaveLength(2000);
  });

  it('keeps the fields of a real row', () => {
    const row = news.find((record) => record.id === 'N16278');
    expect(row?.category).toBe('sports');
    expect(row?.subcategory).toBe('more_sports');
    expect(row?.title).toBe('Silver Spring Man Nabs Title At Soggy Marine Corps Marathon');
    expect(row?.abstract).toBe("The rain didn't stop Silver Spring's Jordan Tropf from winning the 44th Marine Corps Marathon on Sunday.");
    expect(row?.url).toBe('https://assets.msn.com/labs/mind/AAJzNaS.html');
    expect(JSON.parse(row?.titleEntities ?? '')[0].Label).toBe('Marine Corps Marathon');
  });

  it('keeps empty abstracts', () => {
    expect(news.filter((record) => record.abstract === '')).toHaveLength(99);
  });
});

describe('readBehaviors on the MIND sample', () => {
  let train: Impression[];
  let test: Impression[];
  beforeAll(async () => {
    train = await collect(readBehaviors(sampleFile('train', 'behaviors.tsv')));
    test = await collect(readBehaviors(sampleFile('test', 'behaviors.tsv')));
  });

  it('reads the first row', () => {
    const first = train[0] as Impression;
    expect(first.id).toBe('3090');
    expect(first.userId).toBe('U895050083');
    expect(first.time.toISOString()).toBe('2019-11-09T00:01:41.000Z');
    expect(first.history[0]).toBe('N50933');
    expect(first.history).toHaveLength(47);
    expect(first.candidates[0]).toEqual({ newsId: 'N54802', label: 0 });
    expect(first.candidates[5]).toEqual({ newsId: 'N23771', label: 1 });
    expect(first.line).toBe(1);
  });

  it('reads every row with labels and line numbers', () => {
    expect(train).toHaveLength(5000);
    expect(train[4999]?.line).toBe(5000);
    expect(train.every((impression) => impression.candidates.every((candidate) => candidate.label !== undefined))).toBe(true);
  });

  it('keeps empty histories', () => {
    expect(train.some((impression) => impression.history.length === 0)).toBe(true);
  });

  it('accepts a test split without labels', () => {
    expect(test).toHaveLength(500);
    expect(test.every((impression) => impression.candidates.every((candidate) => candidate.label === undefined))).toBe(true);
  });
});

describe('openMindDataset on the MIND sample', () => {
  it('builds the corpus and streams each split', async () => {
    const dataset = await openMindDataset({
      train: join(MIND_SAMPLE, 'train'),
      dev: join(MIND_SAMPLE, 'dev'),
      test: join(MIND_SAMPLE, 'test'),
    });
    expect(dataset.corpus.size).toBe(2000);
    expect(dataset.corpus.indexOf('N16278')).toBeTypeOf('number');
    expect(await collect(dataset.split('dev')?.impressions() ?? [])).toHaveLength(1500);
    // A second pass reads the file again.
    expect(await collect(dataset.split('dev')?.impressions() ?? [])).toHaveLength(1500);
  });

  it('names the missing file of a split', async () => {
    await expect(openMindDataset({ train: join(MIND_SAMPLE, 'nowhere') })).rejects.toThrow(
      `train split: ${join(MIND_SAMPLE, 'nowhere', 'news.tsv')} not found`,
    );
  });
});

describe('parseMindTime', () => {
  it('reads the 12-hour clock', () => {
    expect(parseMindTime('11/15/2019 12:00:20 AM')?.toISOString()).toBe('2019-11-15T00:00:20.000Z');
    expect(parseMindTime('11/15/2019 12:30:00 PM')?.toISOString()).toBe('2019-11-15T12:30:00.000Z');
    expect(parseMindTime('1/2/2019 8:05:09 PM')?.toISOString()).toBe('2019-01-02T20:05:09.000Z');
  });

  it('rejects impossible dates and clocks', () => {
    expect(parseMindTime('2/30/2019 8:00:00 AM')).toBeUndefined();
    expect(parseMindTime('11/15/2019 13:00:00 PM')).toBeUndefined();
    expect(parseMindTime('2019-11-15 08:00:00')).toBeUndefined();
  });
});

describe('MIND reader on malformed rows', () => {
  let directory: string;
  const news = 'N1\tnews\tnewsus\tA title\t\t\t[]\t[]\nN2\tsports\tgolf\tAnother title\tAn abstract\t\t[]\t[]\n';

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'mind-reader-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  async function behaviorsError(rows: string, known = false): Promise<string> {
    const file = join(directory, 'behaviors.tsv');
    await writeFile(file, rows);
    const corpus = new NewsCorpus();
    corpus.add({ id: 'N1', category: '', subcategory: '', title: '', abstract: '', url: '', titleEntities: '', abstractEntities: '' });
    const options = known ? { isKnownNews: (id: string) => corpus.has(id) } : {};
    try {
      await collect(readBehaviors(file, options));
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('expected the reader to raise an error');
  }

  it('reads a news row with an empty abstract and url', async () => {
    const file = join(directory, 'news.tsv');
    await writeFile(file, news);
    const rows = await collect(readNews(file));
    expect(rows[0]?.abstract).toBe('');
    expect(rows[1]?.abstract).toBe('An abstract');
  });

  it('rejects a news row with seven fields', async () => {
    const file = join(directory, 'news.tsv');
    await writeFile(file, `${news}N3\tnews\tnewsus\tTitle\tAbstract\t[]\t[]\n`);
    await expect(collect(readNews(file))).rejects.toThrow(
      `${file}:3: row must have 8 tab-separated fields, has 7, got "N3\\tnews\\tnewsus\\tTitle\\tAbstract\\t[]\\t[]"`,
    );
  });

  it('rejects a behaviors row with four fields', async () => {
    const message = await behaviorsError('1\tU1\t11/15/2019 8:00:00 AM\tN1-1 N2-0\n');
    expect(message).toBe(
      `${join(directory, 'behaviors.tsv')}:1: row must have 5 tab-separated fields, has 4, got "1\\tU1\\t11/15/2019 8:00:00 AM\\tN1-1 N2-0"`,
    );
  });

  it('rejects a bad label', async () => {
    const message = await behaviorsError('1\tU1\t11/15/2019 8:00:00 AM\tN1\tN1-1 N2-0\n2\tU1\t11/15/2019 8:00:00 AM\t\tN1-2 N2-0\n');
    expect(message).toBe(`${join(directory, 'behaviors.tsv')}:2: impression label must be '<news id>-0' or '<news id>-1', got "N1-2"`);
  });

  it('rejects a bad time', async () => {
    const message = await behaviorsError('1\tU1\t2019-11-15 08:00\tN1\tN1-1 N2-0\n');
    expect(message).toBe(`${join(directory, 'behaviors.tsv')}:1: time must look like '11/15/2019 8:55:22 AM', got "2019-11-15 08:00"`);
  });

  it('rejects an empty candidate list', async () => {
    const message = await behaviorsError('1\tU1\t11/15/2019 8:00:00 AM\tN1\t\n');
    expect(message).toBe(`${join(directory, 'behaviors.tsv')}:1: impressions must list at least one candidate, got ""`);
  });

  it('rejects labelled and unlabelled candidates in one row', async () => {
    const message = await behaviorsError('1\tU1\t11/15/2019 8:00:00 AM\tN1\tN1-1 N2\n');
    expect(message).toBe(`${join(directory, 'behaviors.tsv')}:1: impressions must label every candidate or none, got "N1-1 N2"`);
  });

  it('rejects a candidate missing from the news table when asked', async () => {
    const message = await behaviorsError('1\tU1\t11/15/2019 8:00:00 AM\tN1\tN1-1 N9-0\n', true);
    expect(message).toBe(`${join(directory, 'behaviors.tsv')}:1: impressions must name a news id from news.tsv, got "N9"`);
  });

  it('rejects a history entry missing from the news table when asked', async () => {
    const message = await behaviorsError('1\tU1\t11/15/2019 8:00:00 AM\tN7 N1\tN1-1\n', true);
    expect(message).toBe(`${join(directory, 'behaviors.tsv')}:1: history must name a news id from news.tsv, got "N7"`);
  });
});
