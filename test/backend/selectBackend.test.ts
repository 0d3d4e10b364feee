import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError, selectBackend } from '../../framework/backend/selectBackend.ts';
import { TEST_BACKENDS, useBackend } from './backends.ts';

describe('selectBackend', () => {
  it('auto skips missing native backends with reasons', async () => {
    const selection = await selectBackend('auto');
    expect(selection.name).toBe('wasm');
    expect(selection.skipped).toEqual([
      { name: 'tensorflow-gpu', reason: '@tensorflow/tfjs-node-gpu is not installed' },
      { name: 'tensorflow', reason: '@tensorflow/tfjs-node is not installed' },
    ]);
    expect(tf.getBackend()).toBe('wasm');
  });

  it('explicit unavailable backend raises', async () => {
    await expect(selectBackend('tensorflow')).rejects.toThrow(BackendUnavailableError);
    await expect(selectBackend('tensorflow')).rejects.toThrow(
      "backend 'tensorflow' is not available: @tensorflow/tfjs-node is not installed",
    );
  });
});

describe.each(TEST_BACKENDS)('embedding gather gradient on %s', (backend) => {
  it('sums the gradient rows per looked-up id', async () => {
    await useBackend(backend);
    const table = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    // Id 2 is looked up twice and id 1 never: its gradient row must be 0.
    const ids = tf.tensor2d([[2, 0], [2, 2]], [2, 2], 'int32');
    const outputWeights = tf.tensor3d([[[1, 10], [2, 20]], [[3, 30], [4, 40]]]);
    const gradient = tf.grad((embeddings: tf.Tensor) => tf.sum(tf.mul(tf.gather(embeddings, ids), outputWeights)))(table);
    // Row 0 gets the weights at [0][1]. Row 2 gets the sum of the weights at [0][0], [1][0] and [1][1].
    expect(gradient.arraySync()).toEqual([
      [2, 20],
      [0, 0],
      [8, 80],
    ]);
  });

  it('UnsortedSegmentSum drops ids out of range', async () => {
    await useBackend(backend);
    const x = tf.tensor2d([[1, 1], [2, 2], [4, 4], [8, 8]]);
    const segments = tf.tensor1d([1, -1, 1, 3], 'int32');
    expect(tf.unsortedSegmentSum(x, segments, 3).arraySync()).toEqual([
      [0, 0],
      [5, 5],
      [0, 0],
    ]);
  });
});
