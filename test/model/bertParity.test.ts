import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createBertBackbone } from '../../components/backbone/createBertBackbone.ts';
import { TokenPooling } from '../../components/pooling/TokenPooling.ts';
import { Random } from '../../framework/random/Random.ts';
import { TEST_BACKENDS, useBackend } from '../backend/backends.ts';
import { REFERENCE_FIXTURE, requireMiniLm } from './checkpointDirectory.ts';

interface ModelFixture {
  model: { inputIds: number[][]; attentionMask: number[][]; hiddenSize: number; cls: string; maskedMean: string; fullStates: string };
}

function floats(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

function maxAbsDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let max = 0;
  for (let i = 0; i < actual.length; i++) max = Math.max(max, Math.abs((actual[i] as number) - (expected[i] as number)));
  return max;
}

/** Texts per backend: the cpu backend runs at about 0.5 GFLOP/s, so it checks a smaller padded batch. */
const TEXTS_PER_BACKEND = { cpu: 4, wasm: 32, tensorflow: 32, 'tensorflow-gpu': 32 } as const;

describe.each(TEST_BACKENDS)('all-MiniLM-L6-v2 parity on %s', (backend) => {
  it('matches transformers hidden states', { timeout: 120_000 }, async () => {
    await useBackend(backend);
    const fixture = (JSON.parse(await readFile(REFERENCE_FIXTURE, 'utf8')) as ModelFixture).model;
    const count = Math.min(TEXTS_PER_BACKEND[backend], fixture.inputIds.length);
    const size = fixture.hiddenSize;
    const backbone = await createBertBackbone(
      { checkpoint: requireMiniLm() },
      { vocabularySize: 30522, random: new Random(1), resolvePath: (path) => path, log: () => {} },
    );

    const ids = tf.tensor2d(fixture.inputIds.slice(0, count), undefined, 'int32');
    const mask = tf.tensor2d(fixture.attentionMask.slice(0, count), undefined, 'int32');
    const states = backbone.apply(ids, mask, false);
    const cls = new TokenPooling('cls').apply(states, mask);
    const mean = new TokenPooling('mean').apply(states, mask);

    const realTokens = fixture.attentionMask[0]?.reduce((sum, value) => sum + value, 0) as number;
    const firstText = tf.slice(states, [0, 0, 0], [1, realTokens, size]);
    const differences = {
      fullStates: maxAbsDifference(await firstText.data(), floats(fixture.fullStates)),
      cls: maxAbsDifference(await cls.data(), floats(fixture.cls).subarray(0, count * size)),
      maskedMean: maxAbsDifference(await mean.data(), floats(fixture.maskedMean).subarray(0, count * size)),
    };
    console.info(`${backend}: max abs difference over ${count} texts`, differences);
    expect(differences.fullStates).toBeLessThanOrEqual(1e-4);
    expect(differences.cls).toBeLessThanOrEqual(1e-4);
    expect(differences.maskedMean).toBeLessThanOrEqual(1e-4);

    tf.dispose([ids, mask, states, cls, mean, firstText]);
    backbone.dispose();
  });
});
