import { scoreImpressions } from '../../components/stage/EvaluateRunner.ts';
import type { Impression } from '../data/readBehaviors.ts';
import { MetricAccumulator } from '../metrics/MetricAccumulator.ts';
import type { Recommender } from '../model/Recommender.ts';
import { encodeNewsRowsToArray } from './encodeNews.ts';
import { newsSource, userIndexFor } from './newsSource.ts';
import type { MetricValues, StageContext } from './StageContext.ts';

/** Size of the dev subset of early stopping and the lengths it is scored with. */
export interface DevSubsetOptions {
  readonly impressions: number;
  readonly titleLength: number;
  readonly historyLength: number;
}

/**
 * Reads the first `impressions` labelled dev impressions once and returns a
 * function that scores them with the model's current weights, encoding the
 * titles they need afresh each time (the model is training, so no vector cache
 * applies). Metrics follow the evaluate stage: AUC, MRR, nDCG@5 and nDCG@10
 * averaged over impressions that have both a click and a skip.
 */
export async function scoreDevSubset(context: StageContext, model: Recommender, options: DevSubsetOptions): Promise<() => MetricValues> {
  const split = context.dataset.split('dev');
  if (split === undefined) {
    throw new Error(`stage ${context.stageName}: earlyStopping scores the dev split, and the dataset has none (set data.dev or earlyStopping.every: 0)`);
  }
  const impressions: Impression[] = [];
  for await (const impression of split.impressions()) {
    if (impressions.length >= options.impressions) break;
    impressions.push(impression);
  }
  const corpus = context.dataset.corpus;
  const users = await userIndexFor(context, [model]);
  const source = newsSource(context.tokens, model, 'title', options.titleLength);
  const rows = new Set<number>();
  for (const impression of impressions) {
    for (const newsId of impression.history) {
      const row = corpus.indexOf(newsId);
      if (row !== undefined) rows.add(row);
    }
    for (const candidate of impression.candidates) rows.add(corpus.requireIndex(candidate.newsId));
  }
  const distinct = [...rows];

  return () => {
    const encoded = encodeNewsRowsToArray(model.newsEncoder, source, distinct, 64);
    const size = model.newsEncoder.outputSize;
    const positionOf = new Map(distinct.map((row, index) => [row, index]));
    const vectorsOf = (wanted: ArrayLike<number>) => {
      const output = new Float32Array(wanted.length * size);
      for (let i = 0; i < wanted.length; i++) {
        const position = positionOf.get(wanted[i] as number) ?? 0;
        output.set(encoded.subarray(position * size, (position + 1) * size), i * size);
      }
      return output;
    };
    const accumulator = new MetricAccumulator();
    for (let start = 0; start < impressions.length; start += 128) {
      const batch = impressions.slice(start, start + 128);
      const scores = scoreImpressions(model, batch, options.historyLength, corpus, vectorsOf, users);
      batch.forEach((impression, index) => {
        accumulator.add(
          impression.candidates.map((candidate) => candidate.label ?? 0),
          scores[index] as number[],
        );
      });
    }
    const result = accumulator.result();
    return { AUC: result.auc, MRR: result.mrr, 'nDCG@5': result.ndcg5, 'nDCG@10': result.ndcg10, impressions: result.impressions };
  };
}
