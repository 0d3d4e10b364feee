import * as tf from '@tensorflow/tfjs';
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BertBackbone } from '../../components/backbone/BertBackbone.ts';
import { createBertBackbone } from '../../components/backbone/createBertBackbone.ts';
import { Random } from '../../framework/random/Random.ts';
import { useBackend } from '../backend/backends.ts';
import { maxAbsDifference } from './fixtureValues.ts';
import { STUDENT_EXPORT } from './seededStudent.ts';

const context = { vocabularySize: 400, random: new Random(1), resolvePath: (path: string) => path, log: () => {} };

/** Copies the committed student export to a temporary directory and replaces fields of its config.json. */
async function checkpointWithConfig(changes: Record<string, unknown>): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'bert-config-'));
  const config = JSON.parse(await readFile(join(STUDENT_EXPORT, 'config.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(join(directory, 'config.json'), JSON.stringify({ ...config, ...changes }));
  await copyFile(join(STUDENT_EXPORT, 'model.safetensors'), join(directory, 'model.safetensors'));
  return directory;
}

async function statesOf(backbone: BertBackbone, length = 12): Promise<Float32Array> {
  const ids = tf.tensor2d([Array.from({ length }, (_, position) => 5 + position)], undefined, 'int32');
  const mask = tf.ones([1, length], 'int32') as tf.Tensor2D;
  const states = backbone.apply(ids, mask, false);
  const values = (await states.data()) as Float32Array;
  tf.dispose([ids, mask, states]);
  return values;
}

describe('bert config.json', () => {
  let original: Float32Array;

  beforeAll(async () => {
    await useBackend('wasm');
    const backbone = await createBertBackbone({ checkpoint: STUDENT_EXPORT }, context);
    original = await statesOf(backbone);
    backbone.dispose();
  });

  it('reads every architecture field', async () => {
    const backbone = await createBertBackbone({ checkpoint: STUDENT_EXPORT }, context);
    expect(backbone.bertConfig).toMatchObject({
      vocabSize: 400,
      hiddenSize: 16,
      layers: 2,
      heads: 4,
      intermediateSize: 24,
      maxPositions: 40,
      typeVocabularySize: 3,
      hiddenAct: 'gelu_new',
      layerNormEps: 1e-5,
    });
    backbone.dispose();
  });

  // Fields that keep every tensor shape must change the outputs. gelu and its tanh approximation
  // differ by about 1e-4 here, so the bound is far below that but above float32 rounding.
  it.each([
    ['hidden_act', 'gelu'],
    ['hidden_act', 'relu'],
    ['layer_norm_eps', 1e-1],
    ['num_attention_heads', 2],
  ])('%s %s changes the outputs', async (key, value) => {
    const backbone = await createBertBackbone({ checkpoint: await checkpointWithConfig({ [key]: value }) }, context);
    expect(maxAbsDifference(await statesOf(backbone), original)).toBeGreaterThan(1e-5);
    backbone.dispose();
  });

  it('num_hidden_layers 1 keeps the first layer', async () => {
    const logs: string[] = [];
    const directory = await checkpointWithConfig({ num_hidden_layers: 1 });
    const backbone = await createBertBackbone({ checkpoint: directory }, { ...context, log: (message) => logs.push(message) });
    expect(backbone.layerCount).toBe(1);
    expect(logs).toEqual([`bert: loaded 1 of the checkpoint's layers from ${directory} (layer<-checkpoint layer: 0<-0)`]);
    backbone.dispose();
  });

  it('max_position_embeddings limits the input length', async () => {
    const backbone = await createBertBackbone({ checkpoint: STUDENT_EXPORT }, context);
    await expect(statesOf(backbone, 41)).rejects.toThrow("input length 41 exceeds the backbone's 40 position embeddings");
    backbone.dispose();
  });

  // Fields that set tensor shapes must name the first tensor that no longer fits.
  it.each([
    ['hidden_size', 32, "tensor 'embeddings.word_embeddings.weight' has shape [400, 16], expected [400, 32]"],
    ['vocab_size', 500, "tensor 'embeddings.word_embeddings.weight' has shape [400, 16], expected [500, 16]"],
    ['max_position_embeddings', 64, "tensor 'embeddings.position_embeddings.weight' has shape [40, 16], expected [64, 16]"],
    ['type_vocab_size', 2, "tensor 'embeddings.token_type_embeddings.weight' has shape [3, 16], expected [2, 16]"],
    ['intermediate_size', 32, "tensor 'encoder.layer.0.intermediate.dense.weight' has shape [24, 16], expected [32, 16]"],
    ['num_hidden_layers', 3, "missing tensor 'encoder.layer.2.attention.self.query.weight' (expected shape [16, 16]"],
  ])('%s %s names the mismatched tensor', async (key, value, detail) => {
    const directory = await checkpointWithConfig({ [key]: value });
    await expect(createBertBackbone({ checkpoint: directory }, { ...context, vocabularySize: 10 })).rejects.toThrow(
      `${directory}/model.safetensors: ${detail}`,
    );
  });

  it('names the config file for an unknown activation', async () => {
    const directory = await checkpointWithConfig({ hidden_act: 'swish' });
    await expect(createBertBackbone({ checkpoint: directory }, context)).rejects.toThrow(
      `${directory}/config.json: hidden_act "swish" is not supported; supported: gelu, gelu_new, gelu_pytorch_tanh, relu`,
    );
  });
});
