import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClickPredictor } from '../../components/clickPredictor/ClickPredictor.ts';
import type { NewsEncoder } from '../../components/newsEncoder/NewsEncoder.ts';
import type { PlmSettings } from '../../components/newsEncoder/plm.ts';
import type { UserEncoder } from '../../components/userEncoder/UserEncoder.ts';
import { assignWeights } from '../checkpoint/assignWeights.ts';
import { readSafetensors } from '../checkpoint/readSafetensors.ts';
import { Random } from '../random/Random.ts';
import type { Registry } from '../registry/Registry.ts';
import type { Logger } from '../run/Logger.ts';
import type { ModelSpec } from '../spec/Recipe.ts';
import { Recommender } from './Recommender.ts';
import { MODEL_DESCRIPTION_FILE, USER_ENCODER_WEIGHTS_FILE } from './saveRecommender.ts';

/** The contents of `newsrec-model.json`. */
interface ModelDescription {
  readonly label: string;
  readonly model: ModelSpec;
}

/**
 * Loads a directory written by saveRecommender. The components are rebuilt
 * through the registry from the recipe entry in `newsrec-model.json`, then
 * their weights are read from the directory: the news encoder from its
 * Hugging Face checkpoint files and the user encoder from
 * `user-encoder.safetensors`. The tokenizer comes from the directory's
 * vocabulary, so a vocabulary that was built during the run is found too.
 */
export async function loadRecommender(directory: string, registry: Registry, log: Logger): Promise<Recommender> {
  const description = await readDescription(directory);
  const { model: spec } = description;
  // The saved weights overwrite the initial values, so any seed works.
  const random = new Random(0);

  const newsEncoder = await loadNewsEncoder(directory, spec, registry, random, log);
  const userEncoder = await registry.create<UserEncoder>('userEncoder', spec.userEncoder, {
    newsSize: newsEncoder.outputSize,
    random: random.fork('userEncoder'),
  });
  if (userEncoder.readsUserIds === true) {
    newsEncoder.dispose();
    userEncoder.dispose();
    throw new Error(
      `${directory}: user encoder '${spec.userEncoder.type}' reads user ids, and a saved model does not store the ` +
        'user index of its training split, so it cannot be loaded for prediction',
    );
  }
  try {
    assignWeights(userEncoder.weights(), await readSafetensors(join(directory, USER_ENCODER_WEIGHTS_FILE)));
  } catch (error) {
    newsEncoder.dispose();
    userEncoder.dispose();
    throw error;
  }
  const clickPredictor = await registry.create<ClickPredictor>('clickPredictor', spec.clickPredictor, {});
  return new Recommender(description.label, spec, newsEncoder, userEncoder, clickPredictor);
}

async function readDescription(directory: string): Promise<ModelDescription> {
  const file = join(directory, MODEL_DESCRIPTION_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(
      `${file} not found; --model must be a directory written by a training stage, such as runs/<recipe>/<run>/stages/<stage>/student`,
      { cause: error },
    );
  }
  const description = JSON.parse(text) as Partial<ModelDescription>;
  const model = description.model;
  if (typeof description.label !== 'string' || model?.newsEncoder === undefined || model.userEncoder === undefined) {
    throw new Error(`${file}: expected { "label": ..., "model": { tokenizer, newsEncoder, userEncoder, clickPredictor } }`);
  }
  return description as ModelDescription;
}

async function loadNewsEncoder(
  directory: string,
  spec: ModelSpec,
  registry: Registry,
  random: Random,
  log: Logger,
): Promise<NewsEncoder> {
  // NOTE: only the plm news encoder can read its saved files back, so other types are rejected.
  if (spec.newsEncoder.type !== 'plm') {
    throw new Error(
      `${directory}: loading a saved '${spec.newsEncoder.type}' news encoder is not supported; only 'plm' news encoders can be loaded`,
    );
  }
  const { loadPlmNewsEncoder } = await import('../../components/newsEncoder/PlmNewsEncoder.ts');
  const { type: _type, ...settings } = spec.newsEncoder;
  return loadPlmNewsEncoder(directory, settings as unknown as PlmSettings, {
    registry,
    random: random.fork('newsEncoder'),
    resolvePath: (path) => path,
    log: (message) => log.info(message),
  });
}
