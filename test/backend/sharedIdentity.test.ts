import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../framework/backend/selectBackend.ts';

describe('Identity on the wasm backend', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('clone shares the input buffer', () => {
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const buffersBefore = tf.memory().numDataBuffers;
    const copy = tf.clone(x);
    expect(copy.dataId).toBe(x.dataId);
    expect(tf.memory().numDataBuffers).toBe(buffersBefore);

    // The buffer stays while either tensor does.
    x.dispose();
    expect(Array.from(copy.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    copy.dispose();
    expect(tf.memory().numDataBuffers).toBe(buffersBefore - 1);
  });

  it('clone keeps values after assign', () => {
    const initial = tf.tensor1d([1, 2, 3]);
    const next = tf.tensor1d([7, 8, 9]);
    const variable = tf.variable(initial);
    const before = tf.clone(variable);

    variable.assign(next);
    expect(Array.from(before.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(variable.dataSync())).toEqual([7, 8, 9]);
    tf.dispose([initial, next, before, variable]);
  });

  it('saved inputs give hand-worked gradients', () => {
    // f(a, b) = sum(a * b * b), so df/da = b^2 and df/db = 2ab. Multiply saves its inputs through Identity.
    const a = tf.tensor1d([1, -2, 3]);
    const b = tf.tensor1d([4, 5, -6]);
    const [da, db] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.mul(x, y), y)))([a, b]);
    expect(Array.from((da as tf.Tensor).dataSync())).toEqual([16, 25, 36]);
    expect(Array.from((db as tf.Tensor).dataSync())).toEqual([8, -20, -36]);
    tf.dispose([a, b, da as tf.Tensor, db as tf.Tensor]);
  });
});
