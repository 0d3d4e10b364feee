import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeSafetensors, type TensorToWrite } from '../../framework/checkpoint/writeSafetensors.ts';
import type { NamedWeight } from '../../framework/model/Module.ts';
import type { Tokenizer } from '../tokenizer/Tokenizer.ts';
import { NEWS_ENCODER_WEIGHTS_FILE } from './PlmNewsEncoder.ts';

/** Writes a news encoder without a backbone: its tokenizer files and every weight in news-encoder.safetensors. */
export async function saveEncoderWeights(directory: string, tokenizer: Tokenizer, weights: readonly NamedWeight[]): Promise<void> {
  await mkdir(directory, { recursive: true });
  await tokenizer.save(directory);
  const tensors = new Map<string, TensorToWrite>();
  for (const { name, variable } of weights) {
    tensors.set(name, { shape: variable.shape, values: (await variable.data()) as Float32Array });
  }
  await writeSafetensors(join(directory, NEWS_ENCODER_WEIGHTS_FILE), tensors);
}
