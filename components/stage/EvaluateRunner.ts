import * as tf from '@tensorflow/tfjs';
import type { Static } from '@sinclair/typebox';
import type { Impression } from '../../framework/data/readBehaviors.ts';
import { padHistory } from '../../framework/data/padHistory.ts';
import { CategoryMetrics } from '../../framework/metrics/CategoryMetrics.ts';
import { MetricAccumulator } from '../../framework/metrics/MetricAccumulator.ts';
import { countParameters } from '../../framework/model/Module.ts';
import type { Recommender } from '../../framework/model/Recommender.ts';
import type { UserIndex } from '../../framework/model/UserIndex.ts';
import { encodeUsers } from '../../framework/training/clickForward.ts';
import { encodeNewsRowsToArray } from '../../framework/training/encodeNews.ts';
import { newsSource, userIndexFor } from '../../framework/training/newsSource.ts';
import type { MetricValues, StageContext, StageOutput, StageRunner } from '../../framework/training/StageContext.ts';
import type { evaluateSettings } from './evaluate.ts';
import { requireSplit } from './requireSplit.ts';

type Settings = Static<typeof evaluateSettings>;

/**
 * Evaluates models on a labelled split. Each news article is encoded once per
 * model; users are encoded per batch of impressions from the cached vectors.
 */
export class EvaluateRunner implements StageRunner {
  constructor(private readonly settings: Settings) {}

  async run(context: StageContext): Promise<Record<string, StageOutput>> {
    const models = await context.models('models');
    const results: Record<string, MetricValues> = {};
    for (const model of models) {
      const metrics = await this.evaluate(model, context);
      results[model.label] = metrics;
      context.metrics.logFinal(prefixKeys(metrics, `${model.label}/`));
      context.log.info(`${model.label}: ${formatMetrics(metrics)}`);
    }
    return { metrics: { kind: 'metrics', metrics: results } };
  }

  private async evaluate(model: Recommender, context: StageContext): Promise<MetricValues> {
    const { settings } = this;
    const split = requireSplit(context, settings.split);
    const corpus = context.dataset.corpus;
    const cache = context.frozenVectors(model, 'title', settings.titleLength);
    const users = await userIndexFor(context, [model]);
    const accumulator = new MetricAccumulator();
    const categoryMetrics = new CategoryMetrics();
    let encodingSeconds = 0;
    let scoringSeconds = 0;
    const vectorsOf = (rows: ArrayLike<number>) => {
      const started = performance.now();
      const vectors = cache.get(rows);
      encodingSeconds += (performance.now() - started) / 1000;
      return vectors;
    };

    let pending: Impression[] = [];
    let batches = 0;
    const flush = () => {
      const started = performance.now();
      const scores = scoreImpressions(model, pending, settings.historyLength, corpus, vectorsOf, users);
      pending.forEach((impression, index) => {
        const labels = impression.candidates.map((candidate) => labelOf(candidate.label, impression, split.behaviorsFile));
        accumulator.add(labels, scores[index] as number[]);
        const categories = impression.candidates.map((candidate) => corpus.categories[corpus.requireIndex(candidate.newsId)] as string);
        categoryMetrics.add(categories, labels, scores[index] as number[]);
      });
      scoringSeconds += (performance.now() - started) / 1000;
      pending = [];
      batches += 1;
      context.onStep?.(batches);
    };
    for await (const impression of split.impressions()) {
      pending.push(impression);
      if (pending.length >= settings.batchSize) flush();
    }
    if (pending.length > 0) flush();

    const summary = accumulator.result();
    const impressions = summary.impressions + summary.skipped;
    return {
      AUC: summary.auc,
      MRR: summary.mrr,
      'nDCG@5': summary.ndcg5,
      'nDCG@10': summary.ndcg10,
      impressions: summary.impressions,
      skipped_impressions: summary.skipped,
      parameters: countParameters(model),
      news_encoder_parameters: countParameters(model.newsEncoder),
      news_per_second: measureNewsPerSecond(model, context, settings),
      // Scoring time per impression, without encoding news (their vectors are cached).
      scoring_ms_per_impression: impressions > 0 ? ((scoringSeconds - encodingSeconds) * 1000) / impressions : 0,
      ...categoryMetrics.result(),
    };
  }
}

/**
 * Times encoding the titles of the first `throughputSample` articles without any
 * cache, so that models are compared on the same work whatever was cached before.
 */
function measureNewsPerSecond(model: Recommender, context: StageContext, settings: Settings): number {
  const rows = Array.from({ length: Math.min(settings.throughputSample, context.dataset.corpus.size) }, (_, row) => row);
  if (rows.length === 0) return 0;
  const titles = newsSource(context.tokens, model, 'title', settings.titleLength);
  const started = performance.now();
  encodeNewsRowsToArray(model.newsEncoder, titles, rows, settings.batchSize);
  return rows.length / ((performance.now() - started) / 1000);
}

/** Scores of each impression's candidates, in candidate order. */
export function scoreImpressions(
  model: Recommender,
  impressions: readonly Impression[],
  historyLength: number,
  corpus: StageContext['dataset']['corpus'],
  vectorsOf: (rows: ArrayLike<number>) => Float32Array,
  users: UserIndex | undefined,
): number[][] {
  const size = model.newsEncoder.outputSize;
  const count = impressions.length;
  const maxCandidates = Math.max(...impressions.map((impression) => impression.candidates.length));
  const histories = new Int32Array(count * historyLength);
  const candidates = new Int32Array(count * maxCandidates);
  impressions.forEach((impression, index) => {
    const padded = padHistory(impression.history, corpus, historyLength);
    histories.set(padded.news, index * historyLength);
    const rows = impression.candidates.map((candidate) => corpus.requireIndex(candidate.newsId));
    // Short impressions repeat their first candidate; the extra scores are dropped below.
    for (let slot = 0; slot < maxCandidates; slot++) {
      candidates[index * maxCandidates + slot] = rows[slot] ?? (rows[0] as number);
    }
  });

  const scores = tf.tidy(() => {
    const historyVectors = tf.tensor3d(vectorsOf(histories.map((row) => Math.max(row, 0))), [count, historyLength, size]);
    const userIndices = Int32Array.from(impressions, (impression) => users?.indexOf(impression.userId) ?? 0);
    const batch = { size: count, historyLength, candidateCount: maxCandidates, histories, candidates, users: userIndices };
    const userVectors = encodeUsers(model, batch, historyVectors, false);
    const candidateVectors = tf.tensor3d(vectorsOf(candidates), [count, maxCandidates, size]);
    return model.score(candidateVectors, userVectors).arraySync() as number[][];
  });
  return impressions.map((impression, index) => (scores[index] as number[]).slice(0, impression.candidates.length));
}

function labelOf(label: 0 | 1 | undefined, impression: Impression, file: string): number {
  if (label === undefined) {
    throw new Error(`${file}:${impression.line}: impression ${impression.id} has no labels; evaluate needs a labelled split`);
  }
  return label;
}

function prefixKeys(values: MetricValues, prefix: string): MetricValues {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [prefix + key, value]));
}

export function formatMetrics(metrics: MetricValues): string {
  const names = ['AUC', 'MRR', 'nDCG@5', 'nDCG@10'];
  return names.map((name) => `${name} ${(metrics[name] ?? Number.NaN).toFixed(4)}`).join('  ');
}
