import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeSafetensors, type TensorToWrite } from '../checkpoint/writeSafetensors.ts';
import type { Module } from './Module.ts';
import type { Recommender } from './Recommender.ts';

/** The recipe entry and label a saved model was built from; loadRecommender reads it. */
export const MODEL_DESCRIPTION_FILE = 'newsrec-model.json';
export const USER_ENCODER_WEIGHTS_FILE = 'user-encoder.safetensors';

/**
 * Saves a recommender to a directory: the news encoder in Hugging Face layout
 * (config.json, model.safetensors, tokenizer files, plus the pooling and
 * projection weights), the user encoder's weights in `user-encoder.safetensors`
 * and the recipe entry the model was built from in `newsrec-model.json`.
 */
export async function saveRecommender(model: Recommender, directory: string): Promise<void> {
  await mkdir(directory, { recursive: true });
  await model.newsEncoder.save(directory);
  await writeSafetensors(join(directory, USER_ENCODER_WEIGHTS_FILE), weightsToWrite(model.userEncoder));
  const description = { label: model.label, model: model.spec };
  await writeFile(join(directory, MODEL_DESCRIPTION_FILE), `${JSON.stringify(description, null, 2)}\n`);
}

function weightsToWrite(module: Module): Map<string, TensorToWrite> {
  const tensors = new Map<string, TensorToWrite>();
  for (const weight of module.weights()) {
    tensors.set(weight.name, { shape: weight.variable.shape, values: weight.variable.dataSync() as Float32Array });
  }
  return tensors;
}
