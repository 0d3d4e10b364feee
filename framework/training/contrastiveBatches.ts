import type { NewsCorpus } from '../data/NewsCorpus.ts';
import { postTrainSamples } from '../data/postTrainSamples.ts';
import type { Random } from '../random/Random.ts';
import type { ContrastiveBatch } from './contrastiveForward.ts';

export interface ContrastiveBatchOptions {
  readonly batchSize: number;
  readonly negatives: number;
  readonly random: Random;
}

/** An endless source of title/body batches. */
export interface ContrastiveBatches {
  next(): ContrastiveBatch;
}

/**
 * Groups post-training samples into batches, starting a new shuffled pass over
 * the articles with an abstract whenever one pass ends.
 */
export function contrastiveBatches(corpus: NewsCorpus, options: ContrastiveBatchOptions): ContrastiveBatches {
  const { batchSize, negatives, random } = options;
  const titleCount = 1 + negatives;
  let pass = postTrainSamples(corpus, random, { negatives });
  return {
    next() {
      const anchors = new Int32Array(batchSize);
      const titles = new Int32Array(batchSize * titleCount);
      for (let i = 0; i < batchSize; i++) {
        let sample = pass.next();
        if (sample.done === true) {
          pass = postTrainSamples(corpus, random, { negatives });
          sample = pass.next();
        }
        const { news, negatives: others } = sample.value as { news: number; negatives: number[] };
        anchors[i] = news;
        titles[i * titleCount] = news;
        titles.set(others, i * titleCount + 1);
      }
      return { size: batchSize, titleCount, anchors, titles };
    },
  };
}
