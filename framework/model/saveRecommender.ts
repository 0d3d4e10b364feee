import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeSafetensors, type TensorToWrite } from '../checkpoint/writeSafetensors.ts';
import { USER_ENCODER_WEIGHTS_FILE, USER_IDS_FILE, writeModelManifest, type ModelInputLengths, type ModelManifest } from './ModelManifest.ts';
import type { Module } from './Module.ts';
import type { Recommender } from './Recommender.ts';

/**
 * Saves a recommender so that loadRecommender can rebuild it in another
 * process. The news encoder writes its weights and tokenizer files (a plm
 * encoder as a Hugging Face checkpoint plus news-encoder.safetensors, the
 * others all in news-encoder.safetensors). The user encoder's weights go to
 * user-encoder.safetensors, and the training user ids to user-ids.txt when it
 * reads user ids. `newsrec-model.json` names the component types with their
 * settings, the plug-in modules that define them, the category and
 * subcategory vocabularies and, when given, the stage's input lengths, which
 * `experiment predict` uses by default.
 */
export async function saveRecommender(model: Recommender, directory: string, lengths?: ModelInputLengths): Promise<void> {
  await mkdir(directory, { recursive: true });
  await model.newsEncoder.save(directory);
  await writeSafetensors(join(directory, USER_ENCODER_WEIGHTS_FILE), weightsToWrite(model.userEncoder));
  const { assets } = model;
  if (assets.users !== undefined) {
    const ids = assets.users.ids();
    await writeFile(join(directory, USER_IDS_FILE), ids.length === 0 ? '' : `${ids.join('\n')}\n`);
  }
  const manifest: ModelManifest = {
    version: 2,
    label: model.label,
    model: model.spec,
    plugins: assets.plugins,
    ...(assets.labels === undefined
      ? {}
      : { labels: { categories: assets.labels.categories.labels(), subcategories: assets.labels.subcategories.labels() } }),
    ...(assets.users === undefined ? {} : { userIds: USER_IDS_FILE }),
    ...(lengths === undefined ? {} : { lengths }),
  };
  await writeModelManifest(directory, manifest);
}

function weightsToWrite(module: Module): Map<string, TensorToWrite> {
  const tensors = new Map<string, TensorToWrite>();
  for (const weight of module.weights()) {
    tensors.set(weight.name, { shape: weight.variable.shape, values: weight.variable.dataSync() as Float32Array });
  }
  return tensors;
}
