import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelSpec } from '../spec/Recipe.ts';

/** Name of the manifest in a saved model directory. */
export const MODEL_MANIFEST_FILE = 'newsrec-model.json';
/** Weights of the user encoder, next to the news encoder's files. */
export const USER_ENCODER_WEIGHTS_FILE = 'user-encoder.safetensors';
/** Training user ids of a user-ID embedding, one per line; line n has index n. */
export const USER_IDS_FILE = 'user-ids.txt';

/**
 * The contents of `newsrec-model.json`: everything besides weights and
 * tokenizer files that rebuilding the model needs. Manifests written before
 * `version` existed have only `label` and `model`, and load as version 1.
 */
export interface ModelManifest {
  readonly version: 2;
  /** Label of the model in its run, such as `fine-tune.models[0]`. */
  readonly label: string;
  /** The recipe's `models:` entry with every default filled in. */
  readonly model: ModelSpec;
  /** Absolute paths of the plug-in modules that define component types of `model`. */
  readonly plugins: readonly string[];
  /** Category and subcategory labels in id order from id 1 (id 0 is the unknown label). */
  readonly labels?: { readonly categories: readonly string[]; readonly subcategories: readonly string[] };
  /** File with the training user ids, present when the user encoder reads user ids. */
  readonly userIds?: string;
  /** Input lengths of the stage that trained and saved the model; absent in manifests written before they were recorded. */
  readonly lengths?: ModelInputLengths;
}

/** Title tokens per news article and clicked news per history, as a stage's titleLength and historyLength settings. */
export interface ModelInputLengths {
  readonly titleLength: number;
  /** Absent for a model saved by a stage without user histories (post-train, distill-post-train). */
  readonly historyLength?: number;
}

export async function writeModelManifest(directory: string, manifest: ModelManifest): Promise<void> {
  await writeFile(join(directory, MODEL_MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Reads and checks a model directory's manifest; errors name the file and what to pass instead. */
export async function readModelManifest(directory: string): Promise<ModelManifest> {
  const file = join(directory, MODEL_MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(
      `${file} not found; --model must be a model directory saved by a training stage, such as runs/<recipe>/<run>/stages/fine-tune/model-1`,
      { cause: error },
    );
  }
  let data: Partial<Omit<ModelManifest, 'version'>> & { version?: unknown };
  try {
    data = JSON.parse(text) as typeof data;
  } catch (error) {
    throw new Error(`${file}: invalid JSON (${(error as Error).message})`, { cause: error });
  }
  const model = data.model;
  const complete = ['tokenizer', 'newsEncoder', 'userEncoder', 'clickPredictor'].every(
    (key) => typeof (model as Record<string, { type?: unknown }> | undefined)?.[key]?.type === 'string',
  );
  if (typeof data.label !== 'string' || !complete) {
    throw new Error(`${file}: expected { "label": ..., "model": { tokenizer, newsEncoder, userEncoder, clickPredictor } }, each component with its type`);
  }
  if (data.version !== undefined && data.version !== 2) {
    throw new Error(`${file}: manifest version ${String(data.version)} is not supported; this version of newsrec-lab reads versions 1 and 2`);
  }
  const lengths = readLengths(file, data.lengths);
  return {
    version: 2,
    label: data.label,
    model: model as ModelSpec,
    plugins: Array.isArray(data.plugins) ? data.plugins.filter((plugin): plugin is string => typeof plugin === 'string') : [],
    ...(data.labels === undefined ? {} : { labels: data.labels }),
    ...(typeof data.userIds === 'string' ? { userIds: data.userIds } : {}),
    ...(lengths === undefined ? {} : { lengths }),
  };
}

/** Checks the optional `lengths` field: positive integers, historyLength optional. */
function readLengths(file: string, value: unknown): ModelInputLengths | undefined {
  if (value === undefined) return undefined;
  const { titleLength, historyLength } = (value ?? {}) as Record<string, unknown>;
  const positive = (length: unknown) => Number.isInteger(length) && (length as number) > 0;
  if (!positive(titleLength) || (historyLength !== undefined && !positive(historyLength))) {
    throw new Error(`${file}: lengths: expected { "titleLength": N, "historyLength": N } with positive integers, got ${JSON.stringify(value)}`);
  }
  return { titleLength: titleLength as number, ...(historyLength === undefined ? {} : { historyLength: historyLength as number }) };
}
