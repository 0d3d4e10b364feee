import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { MindDataset } from '../../components/dataset/MindDataset.ts';
import { threadCount, useWasmMatMulThreads } from '../../framework/backend/parallelMatMul.ts';
import { selectBackend } from '../../framework/backend/selectBackend.ts';
import { buildRecommender } from '../../framework/model/buildRecommender.ts';
import type { Recommender } from '../../framework/model/Recommender.ts';
import { TokenCache, type NewsField } from '../../framework/model/TokenCache.ts';
import { UserIndex } from '../../framework/model/UserIndex.ts';
import { Random } from '../../framework/random/Random.ts';
import { createRegistry } from '../../framework/registry/createRegistry.ts';
import type { Registry } from '../../framework/registry/Registry.ts';
import type { Logger } from '../../framework/run/Logger.ts';
import type { Recipe } from '../../framework/spec/Recipe.ts';
import { loadRecipe } from '../../framework/spec/loadRecipe.ts';
import { FrozenVectorCache } from '../../framework/training/FrozenVectorCache.ts';
import type { StageContext, StageOutput, StageRunner } from '../../framework/training/StageContext.ts';
import type { ScenarioOptions } from './ScenarioOptions.ts';

/** Models the scenarios use, all with the MiniLM tokenizer and the authors' attention pooling and user encoder. */
export type BenchModelName = 'teacher' | 'student1' | 'student2' | 'tiny';

function plmModel(checkpoint: string, backbone: Record<string, unknown>): Record<string, unknown> {
  return {
    tokenizer: { type: 'wordpiece', checkpoint },
    newsEncoder: { type: 'plm', backbone: { type: 'bert', ...backbone }, pooling: { type: 'additive-attention', queryVectorSize: 200 }, outputSize: 256 },
    userEncoder: { type: 'additive-attention', queryVectorSize: 200 },
    clickPredictor: { type: 'dot' },
  };
}

/** Stages and models of the scenarios, loaded through the recipe loader so that every default is the product's. */
export interface BenchSetup {
  readonly recipe: Recipe;
  readonly registry: Registry;
  readonly dataset: MindDataset;
  readonly tokens: TokenCache;
  /** Builds a fresh model from its `models:` entry. */
  model(name: BenchModelName): Promise<Recommender>;
  /**
   * Runs one stage of the recipe with the given models as its inputs. With
   * `freshVectors`, frozen news vectors are not shared with earlier stages.
   * Stages with the same `randomName` (default: the stage name) draw the same
   * random numbers, so that variants see the same batches.
   */
  runStage(stage: string, inputs: Record<string, Recommender[]>, hooks?: { onStep?: (step: number) => void; freshVectors?: boolean; randomName?: string }): Promise<Record<string, StageOutput>>;
}

const quietLog: Logger = { info: () => {}, warn: () => {} };

/**
 * Writes a recipe with the given stages on the MIND-format data of `options`,
 * loads it (defaults filled in, settings validated), selects the wasm backend
 * and opens the data.
 */
export async function openBenchSetup(options: ScenarioOptions, stages: Record<string, Record<string, unknown>>): Promise<BenchSetup> {
  const directory = mkdtempSync(join(tmpdir(), 'newsrec-bench-recipe-'));
  process.once('exit', () => rmSync(directory, { recursive: true, force: true }));
  const recipeFile = join(directory, 'bench.yaml');
  const checkpoint = options.checkpoint;
  const recipeData = {
    name: 'bench',
    seed: 7,
    backend: 'wasm',
    output: { directory: join(directory, 'runs') },
    data: { type: 'mind', train: join(options.mindDirectory, 'train'), dev: join(options.mindDirectory, 'dev') },
    models: {
      teacher: plmModel(checkpoint, { checkpoint }),
      student1: plmModel(checkpoint, { checkpoint, layers: 1 }),
      student2: plmModel(checkpoint, { checkpoint, layers: 2 }),
      // A small randomly initialised BERT for the 1,000-step tensor count.
      tiny: plmModel(checkpoint, { hiddenSize: 32, layers: 2, heads: 2, intermediateSize: 64 }),
    },
    // The loader needs at least one stage; scenarios that only build models get this one.
    stages: { evaluate: { type: 'evaluate', models: 'teacher', throughputSample: 0 }, ...stages },
  };
  writeFileSync(recipeFile, stringify(recipeData));

  const registry = createRegistry();
  const { recipe } = await loadRecipe(recipeFile, { registry });
  const selection = await selectBackend(recipe.backend);
  // Scenarios measure what a recipe run gets: the wasm matrix products split across `threads` (auto).
  if (selection.tfBackend === 'wasm') await useWasmMatMulThreads(threadCount(recipe.threads));
  const resolvePath = (path: string) => path;
  const dataset = await registry.create<MindDataset>('dataset', recipe.data, { resolvePath, log: quietLog });
  const corpus = dataset.corpus;
  const tokens = new TokenCache({ title: corpus.titles, abstract: corpus.abstracts }, { categories: corpus.categories, subcategories: corpus.subcategories });
  const random = new Random(recipe.seed);
  const users = (): Promise<UserIndex> => Promise.resolve(new UserIndex());
  let sharedVectors = new Map<Recommender, Map<string, FrozenVectorCache>>();

  const model = async (name: BenchModelName): Promise<Recommender> => {
    const spec = recipe.models[name];
    if (spec === undefined) throw new Error(`bench recipe has no model '${name}'`);
    return buildRecommender(name, spec, { registry, random: random.fork(name), log: quietLog, texts: () => corpus.titles, resolvePath, users });
  };

  const runStage: BenchSetup['runStage'] = async (stage, inputs, hooks = {}) => {
    const settings = recipe.stages[stage];
    if (settings === undefined) throw new Error(`bench recipe has no stage '${stage}'`);
    const runner = await registry.create<StageRunner>('stage', settings, {});
    const vectors = hooks.freshVectors === true ? new Map<Recommender, Map<string, FrozenVectorCache>>() : sharedVectors;
    const context: StageContext = {
      stageName: stage,
      registry,
      dataset,
      tokens,
      random: random.fork(`stage:${hooks.randomName ?? stage}`),
      log: quietLog,
      metrics: { logStep: () => {}, logFinal: () => {} },
      directory: join(directory, 'stages', stage),
      resolvePath,
      users,
      frozenVectors: (frozen: Recommender, field: NewsField, length: number) => {
        const byKey = vectors.get(frozen) ?? new Map<string, FrozenVectorCache>();
        vectors.set(frozen, byKey);
        const key = `${field}:${length}`;
        let cache = byKey.get(key);
        if (cache === undefined) {
          cache = new FrozenVectorCache(frozen.newsEncoder, { features: tokens.features(frozen.tokenizer), field, length });
          byKey.set(key, cache);
        }
        return cache;
      },
      async model(field) {
        const models = await context.models(field);
        if (models.length !== 1) throw new Error(`stage ${stage}: ${field} must name one model`);
        return models[0] as Recommender;
      },
      async models(field) {
        const models = inputs[field];
        if (models === undefined) throw new Error(`stage ${stage}: no models given for input '${field}'`);
        return models;
      },
      ...(hooks.onStep === undefined ? {} : { onStep: hooks.onStep }),
    };
    const outputs = await runner.run(context);
    if (hooks.freshVectors !== true) sharedVectors = vectors;
    return outputs;
  };

  return { recipe, registry, dataset, tokens, model, runStage };
}

/** Dev metrics of an evaluate stage's output for one model. */
export function metricsOf(outputs: Record<string, StageOutput>, label: string): Record<string, number> {
  const output = outputs.metrics;
  if (output?.kind !== 'metrics') throw new Error('the stage returned no metrics');
  const metrics = output.metrics[label];
  if (metrics === undefined) throw new Error(`no metrics for model '${label}'`);
  return metrics;
}
