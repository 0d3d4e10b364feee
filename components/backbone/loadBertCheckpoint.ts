import * as tf from '@tensorflow/tfjs';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Random } from '../../framework/random/Random.ts';
import { readSafetensors } from '../../framework/checkpoint/readSafetensors.ts';
import { bertConfigFromJson, bertWeightShapes, type BertConfig } from './BertConfig.ts';

/** Raised when a checkpoint directory does not hold a BERT model this backbone can load. */
export class CheckpointMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointMismatchError';
  }
}

export interface LoadedBert {
  readonly config: BertConfig;
  /** Initial weights under Hugging Face BertModel names; the caller disposes them. */
  readonly weights: Map<string, tf.Tensor>;
  /** For each kept layer, the checkpoint layer it was copied from. */
  readonly sourceLayers: readonly number[];
}

export interface LayerSelection {
  /** Keep the first N layers. */
  readonly layers?: number | undefined;
  /** Keep these checkpoint layers (0-based), in this order. */
  readonly layerIndices?: readonly number[] | undefined;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Returns the checkpoint layers to keep, after checking them against the number the checkpoint has. */
export function selectLayers(available: number, selection: LayerSelection, configFile: string): number[] {
  const { layers, layerIndices } = selection;
  if (layerIndices !== undefined) {
    if (layers !== undefined && layers !== layerIndices.length) {
      throw new CheckpointMismatchError(`layers is ${layers} but layerIndices lists ${layerIndices.length} layers; give one of them`);
    }
    for (const index of layerIndices) {
      if (!Number.isInteger(index) || index < 0 || index >= available) {
        throw new CheckpointMismatchError(`layerIndices contains ${index}, but ${configFile} has layers 0 to ${available - 1}`);
      }
    }
    return [...layerIndices];
  }
  const count = layers ?? available;
  if (count > available) {
    throw new CheckpointMismatchError(`layers is ${count}, but ${configFile} has only ${available} layers`);
  }
  return Array.from({ length: count }, (_, index) => index);
}

/**
 * Loads a Hugging Face BERT-family checkpoint directory (config.json and
 * model.safetensors) and keeps the selected layers. Names with a `bert.`
 * prefix (BertForPreTraining and similar heads) are accepted; other tensors of
 * the file, such as `embeddings.position_ids` or the heads, are ignored. A
 * checkpoint without a pooler gets a freshly initialised one.
 */
export async function loadBertCheckpoint(directory: string, selection: LayerSelection, random: Random): Promise<LoadedBert> {
  const configFile = join(directory, 'config.json');
  const weightsFile = join(directory, 'model.safetensors');
  if (!(await exists(configFile))) {
    throw new CheckpointMismatchError(`${configFile} not found: a checkpoint directory needs config.json and model.safetensors`);
  }
  if (!(await exists(weightsFile))) {
    const hint = (await exists(join(directory, 'pytorch_model.bin')))
      ? '; pytorch_model.bin is not read, convert it with safetensors\' convert script or save_pretrained(safe_serialization=True)'
      : '';
    throw new CheckpointMismatchError(`${weightsFile} not found${hint}`);
  }

  const fullConfig = bertConfigFromJson(JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>, configFile);
  const sourceLayers = selectLayers(fullConfig.layers, selection, configFile);
  const config: BertConfig = { ...fullConfig, layers: sourceLayers.length };

  const file = await readSafetensors(weightsFile);
  const lookup = (name: string) => file.tensors.get(name) ?? file.tensors.get(`bert.${name}`);

  const weights = new Map<string, tf.Tensor>();
  try {
    for (const [name, shape] of bertWeightShapes(config)) {
      // Layer j of this backbone comes from checkpoint layer sourceLayers[j].
      const sourceName = name.replace(/^encoder\.layer\.(\d+)\./, (_, layer: string) => `encoder.layer.${sourceLayers[Number(layer)]}.`);
      const tensor = lookup(sourceName);
      if (tensor === undefined) {
        if (name.startsWith('pooler.')) {
          const value = name.endsWith('.bias') ? tf.zeros(shape) : tf.randomNormal(shape, 0, config.initializerRange, 'float32', random.seed());
          weights.set(name, value);
          continue;
        }
        throw new CheckpointMismatchError(`${weightsFile}: missing tensor '${sourceName}' (expected shape ${formatShape(shape)} from ${configFile})`);
      }
      const matches = tensor.shape.length === shape.length && tensor.shape.every((size, axis) => size === shape[axis]);
      if (!matches) {
        throw new CheckpointMismatchError(
          `${weightsFile}: tensor '${sourceName}' has shape ${formatShape(tensor.shape)}, expected ${formatShape(shape)} from ${configFile}`,
        );
      }
      if (tensor.dtype !== 'float32') {
        throw new CheckpointMismatchError(`${weightsFile}: tensor '${sourceName}' has integer dtype, expected a floating-point weight`);
      }
      weights.set(name, tf.tensor(tensor.values, shape, 'float32'));
    }
  } catch (error) {
    for (const value of weights.values()) value.dispose();
    throw error;
  }
  return { config, weights, sourceLayers };
}
