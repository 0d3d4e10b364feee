import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Backbone } from '../../components/backbone/Backbone.ts';
import type { TransformerNewsEncoder } from '../../components/newsEncoder/NewsEncoder.ts';
import { loadPlmNewsEncoder } from '../../components/newsEncoder/PlmNewsEncoder.ts';
import type { PlmSettings } from '../../components/newsEncoder/plm.ts';
import type { Tokenizer } from '../../components/tokenizer/Tokenizer.ts';
import type { UserEncoder } from '../../components/userEncoder/UserEncoder.ts';
import type { ClickPredictor } from '../../components/clickPredictor/ClickPredictor.ts';
import { readSafetensors } from '../../framework/checkpoint/readSafetensors.ts';
import { writeSafetensors } from '../../framework/checkpoint/writeSafetensors.ts';
import { Random } from '../../framework/random/Random.ts';
import { createRegistry } from '../../framework/registry/createRegistry.ts';
import { TEST_BACKENDS, useBackend } from '../backend/backends.ts';
import { requireMiniLm } from './checkpointDirectory.ts';

const TEXTS = ['Stocks rally as markets reopen', 'A quiet night in the city', 'Local team wins the final match'];

const SMALL_PLM: PlmSettings = {
  backbone: { type: 'bert', hiddenSize: 16, layers: 2, heads: 2, intermediateSize: 32, maxPositions: 32 },
  pooling: { type: 'additive-attention', queryVectorSize: 8 },
  outputSize: 12,
};

async function buildSmallEncoder(logs: string[] = []): Promise<{ encoder: TransformerNewsEncoder; tokenizer: Tokenizer }> {
  const registry = createRegistry();
  const tokenizer = await registry.create<Tokenizer>('tokenizer', { type: 'wordpiece', build: { vocabularySize: 80 } }, {
    texts: () => TEXTS,
    resolvePath: (path: string) => path,
  });
  const encoder = await registry.create<TransformerNewsEncoder>('newsEncoder', { type: 'plm', ...SMALL_PLM }, {
    registry,
    tokenizer,
    random: new Random(3),
    resolvePath: (path: string) => path,
    log: (message: string) => logs.push(message),
  });
  return { encoder, tokenizer };
}

function tokenBatch(tokenizer: Tokenizer, texts: readonly string[], length: number) {
  const matrix = tokenizer.encodeBatch(texts, length);
  return {
    inputIds: tf.tensor2d(matrix.inputIds, [matrix.count, length], 'int32'),
    attentionMask: tf.tensor2d(matrix.attentionMask, [matrix.count, length], 'int32'),
  };
}

describe('safetensors', () => {
  it('round trips float32 tensors', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'safetensors-')), 'weights.safetensors');
    const values = new Map([
      ['b', { shape: [2], values: new Float32Array([1.5, -2]) }],
      ['a', { shape: [1, 3], values: new Float32Array([0, 1, 2]) }],
    ]);
    await writeSafetensors(path, values);
    const file = await readSafetensors(path);
    expect([...file.tensors.keys()]).toEqual(['a', 'b']);
    expect(file.metadata).toEqual({ format: 'pt' });
    expect(file.tensors.get('a')?.shape).toEqual([1, 3]);
    expect([...(file.tensors.get('b')?.values ?? [])]).toEqual([1.5, -2]);
    const headerLength = Number((await readFile(path)).readBigUInt64LE(0));
    expect((8 + headerLength) % 8).toBe(0);
  });

  it('converts F16, BF16 and I64', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'safetensors-')), 'mixed.safetensors');
    const header = {
      half: { dtype: 'F16', shape: [2], data_offsets: [0, 4] },
      brain: { dtype: 'BF16', shape: [1], data_offsets: [4, 6] },
      ids: { dtype: 'I64', shape: [2], data_offsets: [6, 22] },
    };
    const headerBytes = Buffer.from(JSON.stringify(header));
    const data = Buffer.alloc(22);
    data.writeUInt16LE(0x3c00, 0); // 1.0 in half precision
    data.writeUInt16LE(0xc000, 2); // -2.0
    data.writeUInt16LE(0x4049, 4); // bfloat16 of 3.140625
    data.writeBigInt64LE(7n, 6);
    data.writeBigInt64LE(-3n, 14);
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(headerBytes.length));
    await writeFile(path, Buffer.concat([length, headerBytes, data]));

    const file = await readSafetensors(path);
    expect([...(file.tensors.get('half')?.values ?? [])]).toEqual([1, -2]);
    expect([...(file.tensors.get('brain')?.values ?? [])]).toEqual([3.140625]);
    expect(file.tensors.get('ids')?.dtype).toBe('int32');
    expect([...(file.tensors.get('ids')?.values ?? [])]).toEqual([7, -3]);
  });
});

describe.each(TEST_BACKENDS)('news and user encoders on %s', (backend) => {
  it('lower then upper equals apply', async () => {
    await useBackend(backend);
    const { encoder, tokenizer } = await buildSmallEncoder();
    encoder.setTrainable({ layers: 1, embeddings: false });
    const tokens = tokenBatch(tokenizer, TEXTS, 10);
    const direct = encoder.encode(tokens, false);
    const lower = encoder.backbone.applyLower(tokens.inputIds, tokens.attentionMask);
    const split = encoder.encodeFromLower(lower, tokens.attentionMask, false);
    expect(maxDifference(await direct.data(), await split.data())).toBeLessThan(1e-6);
    expect(encoder.backbone.lowerIsFrozen).toBe(true);
    tf.dispose([direct, lower, split, tokens.inputIds, tokens.attentionMask]);
    encoder.dispose();
  });

  it('setTrainable picks the top layers', async () => {
    await useBackend(backend);
    const { encoder } = await buildSmallEncoder();
    encoder.setTrainable({ layers: 1, embeddings: false });
    const names = encoder.trainableWeights().map((weight) => weight.name);
    expect(names.some((name) => name.startsWith('backbone.encoder.layer.1.'))).toBe(true);
    expect(names.some((name) => name.startsWith('backbone.encoder.layer.0.'))).toBe(false);
    expect(names.some((name) => name.startsWith('backbone.embeddings.'))).toBe(false);
    expect(names).toContain('projection.weight');
    encoder.setTrainable({ layers: 5, embeddings: true });
    expect(encoder.backbone.trainability).toEqual({ layers: 2, embeddings: true });
    encoder.dispose();
  });

  it('gradients reach the word embeddings', async () => {
    await useBackend(backend);
    const { encoder, tokenizer } = await buildSmallEncoder();
    encoder.setTrainable({ layers: 2, embeddings: true });
    const tokens = tokenBatch(tokenizer, TEXTS, 10);
    const variables = encoder.trainableWeights().map((weight) => weight.variable);
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(encoder.encode(tokens, true))) as tf.Scalar, variables);
    const embedding = encoder.weights().find((weight) => weight.name === 'backbone.embeddings.word_embeddings.weight');
    const gradient = grads[embedding?.variable.name ?? ''];
    expect(gradient).toBeDefined();
    expect((await tf.sum(tf.abs(gradient as tf.Tensor)).data())[0]).toBeGreaterThan(0);
    tf.dispose(Object.values(grads));
    encoder.dispose();
  });

  it('save and load reproduce outputs', async () => {
    await useBackend(backend);
    const { encoder, tokenizer } = await buildSmallEncoder();
    const directory = await mkdtemp(join(tmpdir(), 'plm-'));
    await encoder.save(directory);
    const loaded = await loadPlmNewsEncoder(directory, SMALL_PLM, {
      registry: createRegistry(),
      random: new Random(99),
      resolvePath: (path) => path,
      log: () => {},
    });
    const tokens = tokenBatch(tokenizer, TEXTS, 10);
    const before = encoder.encode(tokens, false);
    const after = loaded.encode(tokenBatch(loaded.tokenizer, TEXTS, 10), false);
    expect(maxDifference(await before.data(), await after.data())).toBeLessThan(1e-6);
    const config = JSON.parse(await readFile(join(directory, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ model_type: 'bert', hidden_size: 16, num_hidden_layers: 2, vocab_size: tokenizer.vocabSize });
    encoder.dispose();
    loaded.dispose();
  });

  it('clone is independent of the original', async () => {
    await useBackend(backend);
    const { encoder, tokenizer } = await buildSmallEncoder();
    const copy = encoder.clone();
    const tokens = tokenBatch(tokenizer, TEXTS, 10);
    const before = await encoder.encode(tokens, false).data();
    const projection = encoder.weights().find((weight) => weight.name === 'projection.weight')?.variable as tf.Variable;
    projection.assign(tf.zerosLike(projection));
    expect(maxDifference(await copy.encode(tokens, false).data(), before)).toBeLessThan(1e-6);
    encoder.dispose();
    copy.dispose();
  });

  it('user encoder masks padded history', async () => {
    await useBackend(backend);
    const registry = createRegistry();
    const userEncoder = await registry.create<UserEncoder>('userEncoder', { type: 'additive-attention', queryVectorSize: 4, maskPadding: true }, {
      newsSize: 3,
      random: new Random(5),
    });
    const history = tf.tensor3d([[[9, 9, 9], [1, 2, 3]], [[9, 9, 9], [9, 9, 9]]]);
    const mask = tf.tensor2d([[0, 1], [0, 0]]);
    const users = (await userEncoder.encode(history, mask, false).array()) as number[][];
    // One real click: the user vector is that click.
    users[0]?.forEach((value, index) => expect(value).toBeCloseTo([1, 2, 3][index] as number, 5));
    // No clicks: the user vector is the learned pad vector.
    const pad = (await userEncoder.weights().find((weight) => weight.name === 'pad_vector')?.variable.array()) as number[];
    users[1]?.forEach((value, index) => expect(value).toBeCloseTo(pad[index] as number, 5));
    userEncoder.dispose();
  });

  it('dot predictor scores candidates', async () => {
    await useBackend(backend);
    const predictor = await createRegistry().create<ClickPredictor>('clickPredictor', { type: 'dot' }, {});
    const scores = predictor.score(tf.tensor3d([[[1, 0], [0, 2]]]), tf.tensor2d([[3, 4]]));
    expect(scores.arraySync()).toEqual([[3, 8]]);
  });
});

describe('bert checkpoint loading', () => {
  it('keeps chosen layers and logs their origin', async () => {
    await useBackend('wasm');
    const registry = createRegistry();
    const logs: string[] = [];
    const backbone = await registry.create<Backbone>('backbone', { type: 'bert', checkpoint: requireMiniLm(), layerIndices: [1, 3] }, {
      vocabularySize: 30522,
      random: new Random(1),
      resolvePath: (path: string) => path,
      log: (message: string) => logs.push(message),
    });
    expect(backbone.layerCount).toBe(2);
    expect(backbone.trainability).toEqual({ layers: 2, embeddings: false });
    expect(logs.join('\n')).toContain('layer<-checkpoint layer: 0<-1, 1<-3');
    backbone.dispose();
  });

  it('names the missing tensor', async () => {
    await useBackend('wasm');
    const directory = await mkdtemp(join(tmpdir(), 'broken-bert-'));
    const source = await readSafetensors(join(requireMiniLm(), 'model.safetensors'));
    const withoutKey = new Map(
      [...source.tensors]
        .filter(([name, tensor]) => tensor.dtype === 'float32' && !name.startsWith('encoder.layer.5.attention.self.key'))
        .map(([name, tensor]) => [name, { shape: tensor.shape, values: tensor.values as Float32Array }]),
    );
    await writeSafetensors(join(directory, 'model.safetensors'), withoutKey);
    await writeFile(join(directory, 'config.json'), await readFile(join(requireMiniLm(), 'config.json')));
    await expect(
      createRegistry().create('backbone', { type: 'bert', checkpoint: directory }, {
        vocabularySize: 30522,
        random: new Random(1),
        resolvePath: (path: string) => path,
        log: () => {},
      }),
    ).rejects.toThrow(`${directory}/model.safetensors: missing tensor 'encoder.layer.5.attention.self.key.weight' (expected shape [384, 384] from ${directory}/config.json)`);
  });

  it('rejects conflicting architecture settings', async () => {
    await useBackend('wasm');
    await expect(
      createRegistry().create('backbone', { type: 'bert', checkpoint: requireMiniLm(), hiddenSize: 256 }, {
        vocabularySize: 30522,
        random: new Random(1),
        resolvePath: (path: string) => path,
        log: () => {},
      }),
    ).rejects.toThrow(`bert: hiddenSize is 256 but ${requireMiniLm()}/config.json has hidden_size 384; remove the setting to use the checkpoint's`);
  });
});

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}
