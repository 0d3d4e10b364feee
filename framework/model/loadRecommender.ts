import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClickPredictor } from '../../components/clickPredictor/ClickPredictor.ts';
import type { NewsEncoder, NewsEncoderContext } from '../../components/newsEncoder/NewsEncoder.ts';
import { loadPlmNewsEncoder, NEWS_ENCODER_WEIGHTS_FILE } from '../../components/newsEncoder/PlmNewsEncoder.ts';
import type { PlmSettings } from '../../components/newsEncoder/plm.ts';
import type { Tokenizer } from '../../components/tokenizer/Tokenizer.ts';
import type { UserEncoder } from '../../components/userEncoder/UserEncoder.ts';
import { assignWeights } from '../checkpoint/assignWeights.ts';
import { readSafetensors } from '../checkpoint/readSafetensors.ts';
import { loadPlugins } from '../plugins/loadPlugins.ts';
import { Random } from '../random/Random.ts';
import type { ComponentSpec } from '../registry/ComponentDefinition.ts';
import type { Registry } from '../registry/Registry.ts';
import type { Logger } from '../run/Logger.ts';
import { LabelVocabulary } from './LabelVocabulary.ts';
import type { ModelAssets } from './ModelAssets.ts';
import { MODEL_MANIFEST_FILE, readModelManifest, USER_ENCODER_WEIGHTS_FILE, type ModelManifest } from './ModelManifest.ts';
import { Recommender } from './Recommender.ts';
import type { LabelVocabularies } from './TokenCache.ts';
import { UserIndex } from './UserIndex.ts';

/**
 * Loads a directory written by saveRecommender. The plug-ins that the
 * manifest names are loaded into `registry`, and each component is rebuilt
 * through the registry from its saved settings. The weights are then read
 * back: a plm news encoder from its Hugging Face checkpoint files, any other
 * news encoder from news-encoder.safetensors, and the user encoder from
 * user-encoder.safetensors. A wordpiece tokenizer reads the directory's
 * vocabulary, so a vocabulary built during the run is found too.
 */
export async function loadRecommender(directory: string, registry: Registry, log: Logger): Promise<Recommender> {
  const manifest = await readModelManifest(directory);
  const manifestFile = join(directory, MODEL_MANIFEST_FILE);
  await loadManifestPlugins(manifest, manifestFile, registry);
  const assets: ModelAssets = {
    plugins: manifest.plugins,
    ...(manifest.labels === undefined ? {} : { labels: labelVocabularies(manifest.labels) }),
    ...(manifest.userIds === undefined ? {} : { users: await readUserIds(join(directory, manifest.userIds)) }),
  };
  const { model: spec } = manifest;
  // The saved weights overwrite the initial values, so any seed works.
  const random = new Random(0);

  const tokenizer = await loadTokenizer(directory, spec.tokenizer, registry);
  const newsEncoder = await loadNewsEncoder(directory, spec.newsEncoder, { registry, tokenizer, random, log, assets });
  let userEncoder: UserEncoder | undefined;
  try {
    userEncoder = await registry.create<UserEncoder>('userEncoder', spec.userEncoder, {
      newsSize: newsEncoder.outputSize,
      random: random.fork('userEncoder'),
      users: () => Promise.resolve(assets.users ?? new UserIndex()),
    });
    if (userEncoder.readsUserIds === true && assets.users === undefined) {
      throw new Error(
        `${manifestFile}: user encoder '${spec.userEncoder.type}' reads user ids, and the directory has no user id file; ` +
          'save the model again with this version of newsrec-lab',
      );
    }
    assignWeights(userEncoder.weights(), await readSafetensors(join(directory, USER_ENCODER_WEIGHTS_FILE)));
  } catch (error) {
    newsEncoder.dispose();
    userEncoder?.dispose();
    throw error;
  }
  const clickPredictor = await registry.create<ClickPredictor>('clickPredictor', spec.clickPredictor, {});
  return new Recommender(manifest.label, spec, newsEncoder, userEncoder, clickPredictor, assets);
}

async function loadManifestPlugins(manifest: ModelManifest, manifestFile: string, registry: Registry): Promise<void> {
  const entries = manifest.plugins.map((file, index) => ({ file, written: file, path: ['plugins', index] }));
  const issues = await loadPlugins(entries, registry);
  if (issues.length > 0) {
    throw new Error(`${manifestFile}: the model's plug-ins did not load: ${issues.map((issue) => issue.message).join('; ')}`);
  }
}

function labelVocabularies(labels: NonNullable<ModelManifest['labels']>): LabelVocabularies {
  return { categories: new LabelVocabulary(labels.categories), subcategories: new LabelVocabulary(labels.subcategories) };
}

async function readUserIds(file: string): Promise<UserIndex> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return new UserIndex(lines);
}

/** Loads a wordpiece tokenizer from the directory's files, and rebuilds any other type from its saved settings. */
function loadTokenizer(directory: string, spec: ComponentSpec, registry: Registry): Promise<Tokenizer> {
  const settings = spec.type === 'wordpiece' ? { type: 'wordpiece', checkpoint: directory } : spec;
  return registry.create<Tokenizer>('tokenizer', settings, { texts: () => [], resolvePath: (path: string) => path });
}

interface NewsEncoderLoad {
  readonly registry: Registry;
  readonly tokenizer: Tokenizer;
  readonly random: Random;
  readonly log: Logger;
  readonly assets: ModelAssets;
}

async function loadNewsEncoder(directory: string, spec: ComponentSpec, load: NewsEncoderLoad): Promise<NewsEncoder> {
  const { registry, tokenizer, log } = load;
  const random = load.random.fork('newsEncoder');
  if (spec.type === 'plm') {
    const { type: _type, ...settings } = spec;
    return loadPlmNewsEncoder(directory, settings as unknown as PlmSettings, {
      registry,
      tokenizer,
      random,
      resolvePath: (path) => path,
      log: (message) => log.info(message),
    });
  }
  const context: NewsEncoderContext = {
    registry,
    tokenizer,
    random,
    resolvePath: (path) => path,
    log: (message) => log.info(message),
    categoryCount: load.assets.labels?.categories.size ?? 1,
    subcategoryCount: load.assets.labels?.subcategories.size ?? 1,
  };
  const encoder = await registry.create<NewsEncoder>('newsEncoder', withoutInitialVectors(spec), context);
  // NOTE: this reads the file that saveEncoderWeights writes; a plug-in encoder that saves its weights elsewhere does not load.
  try {
    assignWeights(encoder.weights(), await readSafetensors(join(directory, NEWS_ENCODER_WEIGHTS_FILE)));
  } catch (error) {
    encoder.dispose();
    throw error;
  }
  return encoder;
}

/**
 * Drops `checkpoint` and `glove` from every `wordEmbedding` setting: the saved
 * weights replace the word table, so the files it started from are not read
 * (and need not exist where the model is loaded).
 */
function withoutInitialVectors(spec: ComponentSpec): ComponentSpec {
  const strip = (value: unknown, key: string): unknown => {
    if (Array.isArray(value)) return value.map((item) => strip(item, ''));
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value).filter(([name]) => key !== 'wordEmbedding' || (name !== 'checkpoint' && name !== 'glove'));
    return Object.fromEntries(entries.map(([name, item]) => [name, strip(item, name)]));
  };
  return strip(spec, '') as ComponentSpec;
}
