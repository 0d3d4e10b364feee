import { describe, expect, it } from 'vitest';
import { batchesOf } from '../../framework/data/batchesOf.ts';
import { batchFineTuneSamples } from '../../framework/data/batchFineTuneSamples.ts';
import { evaluationImpression } from '../../framework/data/evaluationImpression.ts';
import { fineTuneSamples } from '../../framework/data/fineTuneSamples.ts';
import { NewsCorpus } from '../../framework/data/NewsCorpus.ts';
import { PADDING_NEWS } from '../../framework/data/padHistory.ts';
import { postTrainSamples } from '../../framework/data/postTrainSamples.ts';
import type { Impression } from '../../framework/data/readBehaviors.ts';
import { readBehaviors } from '../../framework/data/readBehaviors.ts';
import { Random } from '../../framework/random/Random.ts';
import { sampleFile } from './mindSample.ts';

/** Builds a corpus of N1..N<count> in which every third article has no abstract. */
function makeCorpus(count: number): NewsCorpus {
  const corpus = new NewsCorpus();
  for (let i = 1; i <= count; i++) {
    const abstract = i % 3 === 0 ? '' : `abstract ${i}`;
    corpus.add({ id: `N${i}`, category: 'news', subcategory: 'us', title: `title ${i}`, abstract, url: '', titleEntities: '[]', abstractEntities: '[]' });
  }
  return corpus;
}

function makeImpression(history: string[], candidates: string): Impression {
  return {
    id: '7',
    userId: 'U1',
    time: new Date(0),
    history,
    candidates: candidates.split(' ').map((text) => {
      const [newsId, label] = text.split('-');
      return label === undefined ? { newsId: newsId as string } : { newsId: newsId as string, label: label === '1' ? 1 : 0 };
    }),
    line: 1,
  };
}

describe('fineTuneSamples', () => {
  const corpus = makeCorpus(12);
  const index = (id: string): number => corpus.requireIndex(id);

  it('builds one sample per click, positive first', () => {
    const impression = makeImpression(['N1', 'N2'], 'N3-1 N4-0 N5-0 N6-1 N7-0 N8-0 N9-0');
    const samples = fineTuneSamples(impression, corpus, new Random(1), { npratio: 4, historyLength: 4 });
    expect(samples).toHaveLength(2);
    expect(samples[0]?.candidates[0]).toBe(index('N3'));
    expect(samples[1]?.candidates[0]).toBe(index('N6'));
    for (const sample of samples) {
      const negatives = sample.candidates.slice(1);
      expect(negatives).toHaveLength(4);
      // Five skipped candidates are enough to draw four distinct ones.
      expect(new Set(negatives).size).toBe(4);
      expect(negatives.every((news) => ['N4', 'N5', 'N7', 'N8', 'N9'].map(index).includes(news))).toBe(true);
    }
  });

  it('draws with replacement from too few negatives', () => {
    const impression = makeImpression([], 'N3-1 N4-0 N5-0');
    const [sample] = fineTuneSamples(impression, corpus, new Random(2), { npratio: 4, historyLength: 2 });
    expect(sample?.candidates).toHaveLength(5);
    expect(sample?.candidates.slice(1).every((news) => news === index('N4') || news === index('N5'))).toBe(true);
  });

  it('left-pads and truncates the history', () => {
    const short = fineTuneSamples(makeImpression(['N1', 'N2'], 'N3-1 N4-0'), corpus, new Random(3), { npratio: 1, historyLength: 4 });
    expect(short[0]?.history).toEqual([PADDING_NEWS, PADDING_NEWS, index('N1'), index('N2')]);
    expect(short[0]?.historyMask).toEqual([0, 0, 1, 1]);

    const long = fineTuneSamples(makeImpression(['N1', 'N2', 'N5', 'N6'], 'N3-1 N4-0'), corpus, new Random(3), { npratio: 1, historyLength: 3 });
    expect(long[0]?.history).toEqual([index('N2'), index('N5'), index('N6')]);
    expect(long[0]?.historyMask).toEqual([1, 1, 1]);
  });

  it('skips impressions with one label class', () => {
    const options = { npratio: 4, historyLength: 2 };
    expect(fineTuneSamples(makeImpression([], 'N3-0 N4-0'), corpus, new Random(4), options)).toEqual([]);
    expect(fineTuneSamples(makeImpression([], 'N3-1 N4-1'), corpus, new Random(4), options)).toEqual([]);
  });

  it('rejects unlabelled impressions', () => {
    expect(() => fineTuneSamples(makeImpression([], 'N3 N4'), corpus, new Random(5), { npratio: 4, historyLength: 2 })).toThrow(
      'impression 7 (line 1) has no labels, so it cannot be used for training',
    );
  });

  it('samples every real training impression', async () => {
    const realCorpus = await NewsCorpus.read([sampleFile('train', 'news.tsv')]);
    const random = new Random(6);
    let samples = 0;
    let clicks = 0;
    for await (const impression of readBehaviors(sampleFile('train', 'behaviors.tsv'))) {
      clicks += impression.candidates.filter((candidate) => candidate.label === 1).length;
      for (const sample of fineTuneSamples(impression, realCorpus, random, { npratio: 4, historyLength: 50 })) {
        expect(sample.candidates).toHaveLength(5);
        expect(sample.history).toHaveLength(50);
        samples += 1;
      }
    }
    expect(samples).toBe(clicks);
  });
});

describe('batchFineTuneSamples', () => {
  const corpus = makeCorpus(12);

  it('encodes each distinct news once and points padding past the end', () => {
    const random = new Random(7);
    const options = { npratio: 2, historyLength: 3 };
    const samples = [
      ...fineTuneSamples(makeImpression(['N1'], 'N3-1 N4-0 N5-0'), corpus, random, options),
      ...fineTuneSamples(makeImpression(['N1', 'N3'], 'N6-1 N4-0 N5-0'), corpus, random, options),
    ];
    const batch = batchFineTuneSamples(samples);
    expect(batch.size).toBe(2);
    expect(batch.news).toHaveLength(new Set(samples.flatMap((sample) => [...sample.candidates, ...sample.history.filter((news) => news >= 0)])).size);
    expect(batch.news).toHaveLength(5);
    for (const [row, sample] of samples.entries()) {
      for (let column = 0; column < 3; column++) {
        expect(batch.news[batch.candidates[row * 3 + column] as number]).toBe(sample.candidates[column]);
        const position = batch.history[row * 3 + column] as number;
        if (sample.historyMask[column] === 1) {
          expect(batch.news[position]).toBe(sample.history[column]);
        } else {
          expect(position).toBe(batch.news.length);
        }
      }
    }
    expect(Array.from(batch.historyMask)).toEqual([0, 0, 1, 0, 1, 1]);
    expect(Array.from(batch.labels)).toEqual([0, 0]);
  });

  it('rejects samples of different shapes', () => {
    const random = new Random(8);
    const a = fineTuneSamples(makeImpression([], 'N3-1 N4-0'), corpus, random, { npratio: 1, historyLength: 2 });
    const b = fineTuneSamples(makeImpression([], 'N3-1 N4-0'), corpus, random, { npratio: 2, historyLength: 2 });
    expect(() => batchFineTuneSamples([...a, ...b])).toThrow(
      'fine-tuning samples in one batch must have the same shape, got 3 candidates and 2 history slots in impression 7, expected 2 and 2',
    );
  });
});

describe('postTrainSamples', () => {
  it('covers each article with an abstract once', () => {
    const corpus = makeCorpus(30);
    const samples = [...postTrainSamples(corpus, new Random(9), { negatives: 9 })];
    expect(samples).toHaveLength(20);
    expect(new Set(samples.map((sample) => sample.news)).size).toBe(20);
    for (const sample of samples) {
      expect(corpus.abstracts[sample.news]).not.toBe('');
      expect(sample.negatives).toHaveLength(9);
      expect(sample.negatives).not.toContain(sample.news);
      expect(new Set(sample.negatives).size).toBe(9);
    }
  });

  it('repeats negatives in a tiny corpus', () => {
    const samples = [...postTrainSamples(makeCorpus(2), new Random(10), { negatives: 3 })];
    expect(samples).toEqual([{ news: 0, negatives: [1, 1, 1] }, { news: 1, negatives: [0, 0, 0] }]);
  });

  it('rejects a corpus without abstracts', () => {
    const corpus = new NewsCorpus();
    corpus.add({ id: 'N1', category: '', subcategory: '', title: 't', abstract: ' ', url: '', titleEntities: '', abstractEntities: '' });
    expect(() => [...postTrainSamples(corpus, new Random(11), { negatives: 1 })]).toThrow(
      'post-training needs news with abstracts, but no article of the dataset has one',
    );
  });
});

describe('evaluationImpression', () => {
  const corpus = makeCorpus(6);

  it('keeps labels and pads the history', () => {
    const prepared = evaluationImpression(makeImpression(['N1'], 'N2-0 N3-1'), corpus, 3);
    expect(prepared.candidates).toEqual([1, 2]);
    expect(prepared.labels).toEqual([0, 1]);
    expect(prepared.history).toEqual([PADDING_NEWS, PADDING_NEWS, 0]);
    expect(prepared.historyMask).toEqual([0, 0, 1]);
  });

  it('leaves labels undefined on test impressions', () => {
    expect(evaluationImpression(makeImpression([], 'N2 N3'), corpus, 2).labels).toBeUndefined();
  });
});

describe('stream helpers', () => {
  it('batchesOf keeps a short last batch', async () => {
    const batches: number[][] = [];
    for await (const batch of batchesOf([1, 2, 3, 4, 5], 2)) {
      batches.push(batch);
    }
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });
});
