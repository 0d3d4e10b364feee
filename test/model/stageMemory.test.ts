import * as tf from '@tensorflow/tfjs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { MindDataset } from '../../components/dataset/MindDataset.ts';
import { buildRecommender } from '../../framework/model/buildRecommender.ts';
import type { Recommender } from '../../framework/model/Recommender.ts';
import { TokenCache, type NewsField } from '../../framework/model/TokenCache.ts';
import { UserIndex } from '../../framework/model/UserIndex.ts';
import { Random } from '../../framework/random/Random.ts';
import { createRegistry } from '../../framework/registry/createRegistry.ts';
import type { Logger } from '../../framework/run/Logger.ts';
import { loadRecipe } from '../../framework/spec/loadRecipe.ts';
import { FrozenVectorCache } from '../../framework/training/FrozenVectorCache.ts';
import type { StageContext, StageOutput, StageRunner } from '../../framework/training/StageContext.ts';
import { describeEachBackend } from '../backend/backends.ts';

const STEPS = 200;
const FIRST_CHECK = 10;

/**
 * Writes a recipe that runs every stage type for STEPS steps on tiny models. The teacher trains its
 * embeddings, so the embedding-gather gradient runs too. Evaluate scores one
 * impression per batch, so it runs at least STEPS batches. Post-training keeps
 * one snapshot, at its last step.
 */
function leakRecipe(directory: string): string {
  const tinyModel = (outputSize: number) => `
    tokenizer: { type: wordpiece, build: { vocabularySize: 120 } }
    newsEncoder:
      type: plm
      backbone: { type: bert, hiddenSize: 8, layers: 2, heads: 2, intermediateSize: 16, maxPositions: 16 }
      pooling: { type: additive-attention, queryVectorSize: 4 }
      outputSize: ${outputSize}
    userEncoder: { type: additive-attention, queryVectorSize: 4 }
    clickPredictor: { type: dot }`;
  return `name: leaks
seed: 5
backend: wasm
output: { directory: ${JSON.stringify(join(directory, 'runs'))} }
data: { type: synthetic-mind, news: 80, users: 30, trainImpressions: 300, devImpressions: ${STEPS + 5}, maxHistory: 6, directory: ${JSON.stringify(join(directory, 'data'))} }
models:
  teacher:${tinyModel(8)}
  student:${tinyModel(6)}
stages:
  post-train:
    type: post-train
    model: teacher
    batchSize: 2
    titleLength: 8
    bodyLength: 8
    negatives: 2
    trainEmbeddings: true
    logEvery: 100
    save: false
    snapshots: { count: 1, after: ${STEPS - 1}, every: 1 }
  distill-post-train:
    type: distill-post-train
    student: student
    teachers: post-train.snapshots
    steps: ${STEPS}
    batchSize: 2
    titleLength: 8
    bodyLength: 8
    negatives: 2
    logEvery: 100
    save: false
  fine-tune:
    type: fine-tune
    models: post-train.model
    batchSize: 2
    titleLength: 8
    historyLength: 4
    epochs: 10
    maxSteps: ${STEPS}
    logEvery: 100
    save: false
  distill-fine-tune:
    type: distill-fine-tune
    student: distill-post-train.model
    teachers: fine-tune.models
    batchSize: 2
    titleLength: 8
    historyLength: 4
    epochs: 10
    maxSteps: ${STEPS}
    logEvery: 100
    save: false
  evaluate:
    type: evaluate
    models: distill-fine-tune.model
    batchSize: 1
    titleLength: 8
    historyLength: 4
`;
}

interface TensorCounts {
  /** tf.memory().numTensors after step FIRST_CHECK. */
  first: number;
  /** tf.memory().numTensors after step STEPS. */
  last: number;
  /** Steps (or evaluation batches) the stage ran. */
  steps: number;
  /** Tensors of the models the stage kept between the two checks (post-train's snapshot). */
  kept: number;
  seconds: number;
}

const quietLog: Logger = { info: () => {}, warn: () => {}, error: () => {} } as unknown as Logger;

/**
 * Runs the recipe's stages in order, as runRecipe does but without tracking,
 * and returns tf.memory().numTensors after step FIRST_CHECK and after the last
 * step of each stage.
 */
async function countTensorsPerStage(recipeFile: string): Promise<Record<string, TensorCounts>> {
  const registry = createRegistry();
  const { recipe, stageOrder } = await loadRecipe(recipeFile, { registry });
  const resolvePath = (path: string) => path;
  const dataset = await registry.create<MindDataset>('dataset', recipe.data, { resolvePath, log: quietLog });
  const corpus = dataset.corpus;
  const tokens = new TokenCache({ title: corpus.titles, abstract: corpus.abstracts });
  const random = new Random(recipe.seed);
  const users = (): Promise<UserIndex> => Promise.resolve(new UserIndex());
  const vectorCaches = new Map<string, FrozenVectorCache>();
  const outputs = new Map<string, Record<string, StageOutput>>();
  const counts: Record<string, TensorCounts> = {};

  const resolveReference = async (reference: string): Promise<Recommender[]> => {
    const dot = reference.indexOf('.');
    if (dot < 0) {
      const spec = recipe.models[reference];
      if (spec === undefined) throw new Error(`model '${reference}' is not defined under models:`);
      const context = { registry, random: random.fork(reference), log: quietLog, texts: () => [...corpus.titles, ...corpus.abstracts], resolvePath, users };
      return [await buildRecommender(reference, spec, context)];
    }
    const output = outputs.get(reference.slice(0, dot))?.[reference.slice(dot + 1)];
    if (output?.kind === 'model') return [output.model];
    if (output?.kind === 'models') return [...output.models];
    throw new Error(`output '${reference}' is not available`);
  };

  for (const stage of stageOrder) {
    const settings = recipe.stages[stage] as Record<string, unknown> & { type: string };
    const runner = await registry.create<StageRunner>('stage', settings, {});
    const count: TensorCounts = { first: -1, last: -1, steps: 0, kept: 0, seconds: 0 };
    const started = performance.now();
    // The assertion keeps this literal valid while StageContext gains members such as `progress`.
    const context = {
      stageName: stage,
      registry,
      dataset,
      tokens,
      random: random.fork(stage),
      log: quietLog,
      metrics: { logStep: () => {}, logFinal: () => {} },
      progress: { step: () => {} },
      directory: join(recipeFile, '..', 'stages', stage),
      resolvePath,
      users,
      frozenVectors: (model: Recommender, field: NewsField, length: number) => {
        const key = `${model.label}:${field}:${length}`;
        let cache = vectorCaches.get(key);
        if (cache === undefined) {
          cache = new FrozenVectorCache(model.newsEncoder, { features: tokens.features(model.tokenizer), field, length });
          vectorCaches.set(key, cache);
        }
        return cache;
      },
      async model(field: string) {
        return (await context.models(field))[0] as Recommender;
      },
      async models(field: string) {
        const value = settings[field];
        const references = Array.isArray(value) ? (value as string[]) : [value as string];
        return (await Promise.all(references.map(resolveReference))).flat();
      },
      onStep: (step: number) => {
        count.steps = step;
        if (step === FIRST_CHECK) count.first = tf.memory().numTensors;
        if (step === STEPS) count.last = tf.memory().numTensors;
      },
    } as StageContext;
    const stageOutputs = await runner.run(context);
    outputs.set(stage, stageOutputs);
    const snapshots = stageOutputs.snapshots;
    if (snapshots?.kind === 'models') {
      count.kept = snapshots.models.reduce((total, model) => total + model.weights().length, 0);
    }
    count.seconds = Math.round((performance.now() - started) / 1000);
    counts[`${stage} (${settings.type})`] = count;
  }
  return counts;
}

describeEachBackend('stage tensor leaks', (backend) => {
  it(`tensor count constant from step ${FIRST_CHECK} to ${STEPS}`, { timeout: 600_000 }, async () => {
    const directory = await mkdtemp(join(tmpdir(), `stage-leaks-${backend}-`));
    const recipeFile = join(directory, 'leaks.yaml');
    await writeFile(recipeFile, leakRecipe(directory));
    const started = performance.now();
    const counts = await countTensorsPerStage(recipeFile);
    console.info(`${backend}: tensors after step ${FIRST_CHECK} and ${STEPS} per stage (${((performance.now() - started) / 1000).toFixed(0)} s)`, counts);

    expect(Object.keys(counts)).toHaveLength(5);
    for (const [stage, count] of Object.entries(counts)) {
      expect(count.steps, `${stage} steps`).toBeGreaterThanOrEqual(STEPS);
      expect(count.first, `${stage} tensors after step ${FIRST_CHECK}`).toBeGreaterThan(0);
      expect(count.last, `${stage} tensors after step ${STEPS}`).toBe(count.first + count.kept);
    }
  });
});
