import * as tf from '@tensorflow/tfjs';
import type { NamedWeight } from '../model/Module.ts';
import type { SafetensorsFile } from './readSafetensors.ts';

/**
 * Sets each weight to the tensor stored under `prefix + name` in a safetensors
 * file. Raises an error naming the file and the tensor when one is missing or
 * has another shape.
 */
export function assignWeights(weights: readonly NamedWeight[], file: SafetensorsFile, prefix = ''): void {
  for (const { name, variable } of weights) {
    const key = prefix + name;
    const stored = file.tensors.get(key);
    if (stored === undefined) {
      throw new Error(`${file.path}: missing tensor '${key}' (expected shape [${variable.shape.join(', ')}])`);
    }
    const matches = stored.shape.length === variable.shape.length && stored.shape.every((size, axis) => size === variable.shape[axis]);
    if (!matches) {
      throw new Error(`${file.path}: tensor '${key}' has shape [${stored.shape.join(', ')}], expected [${variable.shape.join(', ')}]`);
    }
    tf.tidy(() => variable.assign(tf.tensor(stored.values, stored.shape, variable.dtype)));
  }
}
