import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MindDataset } from '../../components/dataset/MindDataset.ts';
import { scoreImpressions } from '../../components/stage/EvaluateRunner.ts';
import type { Impression } from '../../framework/data/readBehaviors.ts';
import { buildRecommender } from '../../framework/model/buildRecommender.ts';
import { loadRecommender } from '../../framework/model/loadRecommender.ts';
import { MODEL_MANIFEST_FILE, readModelManifest } from '../../framework/model/ModelManifest.ts';
import type { Recommender } from '../../framework/model/Recommender.ts';
import { saveRecommender } from '../../framework/model/saveRecommender.ts';
import { TokenCache } from '../../framework/model/TokenCache.ts';
import { UserIndex } from '../../framework/model/UserIndex.ts';
import { Random } from '../../framework/random/Random.ts';
import { createRegistry } from '../../framework/registry/createRegistry.ts';
import { loadRecipe } from '../../framework/spec/loadRecipe.ts';
import { FrozenVectorCache } from '../../framework/training/FrozenVectorCache.ts';
import { newsSource } from '../../framework/training/newsSource.ts';
import { useBackend } from '../backend/backends.ts';
import { sampleFile } from '../data/mindSample.ts';
import { requireMiniLm } from './checkpointDirectory.ts';

const silent = { info: () => {}, warn: () => {} };
/** Dev impressions scored before saving and after loading. */
const IMPRESSIONS = 48;

interface Scored {
  readonly scores: number[][];
  readonly impressions: Impression[];
  readonly users: UserIndex | undefined;
}

/** Scores the first dev impressions as the evaluate stage does, with the model's own label vocabularies and users. */
async function scoreDev(model: Recommender, dataset: MindDataset): Promise<Scored> {
  const { corpus } = dataset;
  const tokens = new TokenCache(
    { title: corpus.titles, abstract: corpus.abstracts },
    { categories: corpus.categories, subcategories: corpus.subcategories },
    model.assets.labels,
  );
  const cache = new FrozenVectorCache(model.newsEncoder, newsSource(tokens, model, 'title', 16));
  const impressions: Impression[] = [];
  for await (const impression of dataset.split('dev')?.impressions() ?? []) {
    impressions.push(impression);
    if (impressions.length === IMPRESSIONS) break;
  }
  const scores = scoreImpressions(model, impressions, 10, corpus, (rows) => cache.get(rows), model.assets.users);
  return { scores, impressions, users: model.assets.users };
}

/** Builds the model of a recipe as a run does, saves it, loads it into a fresh registry and scores both. */
async function roundTrip(recipeFile: string, modelName: string): Promise<{ saved: Scored; loaded: Scored; directory: string }> {
  const registry = createRegistry();
  const { recipe, file } = await loadRecipe(recipeFile, { registry });
  const resolvePath = (path: string) => join(dirname(file), path);
  const dataset = await registry.create<MindDataset>('dataset', recipe.data, { resolvePath, log: silent });
  const { corpus } = dataset;
  const tokens = new TokenCache(
    { title: corpus.titles, abstract: corpus.abstracts },
    { categories: corpus.categories, subcategories: corpus.subcategories },
  );
  const train = dataset.split('train');
  const users = train === undefined ? Promise.resolve(new UserIndex()) : UserIndex.fromImpressions(train.impressions());
  const original = await buildRecommender(modelName, recipe.models[modelName] as never, {
    registry,
    random: new Random(11),
    log: silent,
    texts: () => [...corpus.titles, ...corpus.abstracts],
    resolvePath,
    users: () => users,
    labels: tokens.labelVocabularies,
  });
  const directory = join(mkdtempSync(join(tmpdir(), `newsrec-save-${modelName}-`)), 'model');
  await saveRecommender(original, directory);
  const saved = await scoreDev(original, dataset);
  original.dispose();

  const loadedModel = await loadRecommender(directory, createRegistry(), silent);
  const loaded = await scoreDev(loadedModel, dataset);
  loadedModel.dispose();
  return { saved, loaded, directory };
}

beforeAll(async () => {
  await useBackend('wasm');
});

describe('saved models load for every encoder type', () => {
  it('nrms scores the same after loading', { timeout: 120_000 }, async () => {
    const { saved, loaded } = await roundTrip('experiments/ci/nrms.yaml', 'nrms');
    expect(loaded.scores).toEqual(saved.scores);
  });

  it('naml scores the same after loading', { timeout: 120_000 }, async () => {
    const { saved, loaded, directory } = await roundTrip('experiments/ci/naml.yaml', 'naml');
    expect(loaded.scores).toEqual(saved.scores);
    const manifest = JSON.parse(readFileSync(join(directory, MODEL_MANIFEST_FILE), 'utf8'));
    // The labels of news.tsv in order of first appearance, which is the id order.
    const rows = readFileSync(sampleFile('train', 'news.tsv'), 'utf8').trim().split('\n').map((line) => line.split('\t'));
    expect(manifest.labels.categories).toEqual([...new Set(rows.map((row) => row[1]))]);
    expect(manifest.labels.subcategories).toEqual([...new Set(rows.map((row) => row[2]))]);
  });

  it('lstur keeps its training users', { timeout: 120_000 }, async () => {
    const { saved, loaded, directory } = await roundTrip('experiments/ci/lstur.yaml', 'lstur');
    expect(loaded.scores).toEqual(saved.scores);
    expect(loaded.users?.ids()).toEqual(saved.users?.ids());
    const known = loaded.impressions.filter((impression) => loaded.users?.indexOf(impression.userId) !== UserIndex.UNKNOWN);
    expect(known.length).toBeGreaterThan(0);
    const ids = readFileSync(join(directory, 'user-ids.txt'), 'utf8').trim().split('\n');
    expect(ids).toEqual(saved.users?.ids());
  });

  it('plm-nr scores the same after loading', { timeout: 180_000 }, async () => {
    requireMiniLm();
    const { saved, loaded } = await roundTrip('experiments/ci/plm-nr.yaml', 'plm-nr');
    expect(loaded.scores).toEqual(saved.scores);
  });

  it('plug-in encoder loads its module', { timeout: 120_000 }, async () => {
    const { saved, loaded, directory } = await roundTrip('examples/plugin/recipe.yaml', 'cnn-title');
    expect(loaded.scores).toEqual(saved.scores);
    const manifest = JSON.parse(readFileSync(join(directory, MODEL_MANIFEST_FILE), 'utf8'));
    expect(manifest.plugins).toEqual([join(process.cwd(), 'examples/plugin/cnnTitle.ts')]);
  });

  it('rejects a missing plug-in module', { timeout: 60_000 }, async () => {
    const { directory } = await roundTrip('examples/plugin/recipe.yaml', 'cnn-title');
    const manifestFile = join(directory, MODEL_MANIFEST_FILE);
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    writeFileSync(manifestFile, JSON.stringify({ ...manifest, plugins: ['/nonexistent/cnnTitle.ts'] }));
    await expect(loadRecommender(directory, createRegistry(), silent)).rejects.toThrow(
      `${manifestFile}: the model's plug-ins did not load: cannot import plug-in '/nonexistent/cnnTitle.ts'`,
    );
  });
});

describe('manifest input lengths', () => {
  const model = {
    tokenizer: { type: 'wordpiece' },
    newsEncoder: { type: 'nrms' },
    userEncoder: { type: 'multi-head-self-attention' },
    clickPredictor: { type: 'dot' },
  };

  function manifestWith(lengths: unknown): string {
    const directory = mkdtempSync(join(tmpdir(), 'newsrec-manifest-'));
    writeFileSync(join(directory, MODEL_MANIFEST_FILE), JSON.stringify({ version: 2, label: 'm', model, plugins: [], lengths }));
    return directory;
  }

  it('reads recorded lengths', async () => {
    expect((await readModelManifest(manifestWith({ titleLength: 16, historyLength: 10 }))).lengths).toEqual({ titleLength: 16, historyLength: 10 });
    expect((await readModelManifest(manifestWith({ titleLength: 16 }))).lengths).toEqual({ titleLength: 16 });
    expect((await readModelManifest(manifestWith(undefined))).lengths).toBeUndefined();
  });

  it('rejects invalid lengths', async () => {
    const directory = manifestWith({ titleLength: 0, historyLength: 10 });
    await expect(readModelManifest(directory)).rejects.toThrow(
      `${join(directory, MODEL_MANIFEST_FILE)}: lengths: expected { "titleLength": N, "historyLength": N } with positive integers, got {"titleLength":0,"historyLength":10}`,
    );
  });
});
