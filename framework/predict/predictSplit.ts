import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { scoreImpressions } from '../../components/stage/EvaluateRunner.ts';
import type { MindSplit } from '../../components/dataset/MindDataset.ts';
import type { NewsCorpus } from '../data/NewsCorpus.ts';
import type { Impression } from '../data/readBehaviors.ts';
import { MetricAccumulator, type RankingMetrics } from '../metrics/MetricAccumulator.ts';
import type { Recommender } from '../model/Recommender.ts';
import { TokenCache } from '../model/TokenCache.ts';
import { FrozenVectorCache } from '../training/FrozenVectorCache.ts';
import { newsSource } from '../training/newsSource.ts';
import { formatPredictionLine, rankCandidates } from './rankCandidates.ts';

/** Lengths and batch size for scoring; the defaults are the evaluate stage's. */
export interface PredictOptions {
  readonly titleLength: number;
  readonly historyLength: number;
  readonly batchSize: number;
}

/** What scoring a split produced. */
export interface PredictResult {
  readonly impressions: number;
  /** Ranking metrics when every impression of the split is labelled, as in the evaluate stage. */
  readonly metrics?: RankingMetrics;
}

/**
 * Scores every impression of a split with a model and writes the MIND
 * leaderboard's `prediction.txt` lines to `outFile`, one per impression in
 * file order. Scoring is the evaluate stage's, with the model's saved
 * category vocabularies and training users, so on a labelled split the
 * metrics equal that stage's for the same model and lengths.
 */
export async function predictSplit(
  model: Recommender,
  split: MindSplit,
  corpus: NewsCorpus,
  outFile: string,
  options: PredictOptions,
): Promise<PredictResult> {
  // The model's own label vocabularies keep category ids as in training, whatever order this corpus lists them in.
  const tokens = new TokenCache(
    { title: corpus.titles, abstract: corpus.abstracts },
    { categories: corpus.categories, subcategories: corpus.subcategories },
    model.assets.labels,
  );
  const cache = new FrozenVectorCache(model.newsEncoder, newsSource(tokens, model, 'title', options.titleLength));
  const accumulator = new MetricAccumulator();
  let labelled: boolean | undefined;
  let count = 0;

  // Lines go to a temporary file that replaces outFile only when every impression is scored,
  // so a failure leaves an earlier prediction file as it was.
  await mkdir(dirname(outFile), { recursive: true });
  const temporary = `${outFile}.${process.pid}.tmp`;
  const out = await open(temporary, 'w');
  let pending: Impression[] = [];
  const flush = async () => {
    const scores = scoreImpressions(model, pending, options.historyLength, corpus, (rows) => cache.get(rows), model.assets.users);
    const lines: string[] = [];
    pending.forEach((impression, index) => {
      const impressionScores = scores[index] as number[];
      lines.push(formatPredictionLine(impression.id, rankCandidates(impressionScores)));
      const labels = impression.candidates.map((candidate) => candidate.label);
      const hasLabels = labels.every((label) => label !== undefined);
      labelled ??= hasLabels;
      if (labelled !== hasLabels) {
        throw new Error(`${split.behaviorsFile}:${impression.line}: impression ${impression.id} is ${hasLabels ? '' : 'not '}labelled, unlike the impressions before it`);
      }
      if (hasLabels) accumulator.add(labels as number[], impressionScores);
    });
    count += pending.length;
    pending = [];
    await out.write(`${lines.join('\n')}\n`);
  };

  try {
    for await (const impression of split.impressions()) {
      pending.push(impression);
      if (pending.length >= options.batchSize) await flush();
    }
    if (pending.length > 0) await flush();
    await out.sync();
  } catch (error) {
    await out.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await out.close();
  await rename(temporary, outFile);
  return { impressions: count, ...(labelled === true ? { metrics: accumulator.result() } : {}) };
}
