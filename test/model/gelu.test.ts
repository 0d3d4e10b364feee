import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { gelu } from '../../components/backbone/gelu.ts';
import { describeEachBackend } from '../backend/backends.ts';

// x * Phi(x) and its derivative Phi(x) + x * phi(x), computed in double precision with Python's math.erf.
const POINTS = [-2, -1, 0, 1, 2];
const VALUES = [-0.04550026389635842, -0.15865525393145707, 0, 0.8413447460685429, 1.9544997361036416];
const DERIVATIVES = [-0.08523180107819692, -0.08331547058768629, 0.5, 1.0833154705876864, 1.085231801078197];

/** Computes the exact GELU with plain ops, which TensorFlow.js differentiates automatically. */
function composedGelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
}

describeEachBackend('gelu', () => {
  it('matches x Phi(x)', () => {
    const values = tf.tidy(() => gelu(tf.tensor1d(POINTS)).arraySync() as number[]);
    values.forEach((value, index) => expect(value).toBeCloseTo(VALUES[index] as number, 6));
  });

  it('has the derivative Phi(x) + x phi(x)', () => {
    const derivatives = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(gelu(x)))(tf.tensor1d(POINTS)).arraySync() as number[]);
    derivatives.forEach((value, index) => expect(value).toBeCloseTo(DERIVATIVES[index] as number, 6));
  });

  it('agrees with automatic differentiation', () => {
    const difference = tf.tidy(() => {
      const x = tf.randomNormal([64, 96], 0, 2, 'float32', 7);
      const weights = tf.randomNormal([64, 96], 0, 1, 'float32', 8);
      const ours = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(gelu(input), weights)))(x);
      const reference = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(composedGelu(input), weights)))(x);
      return tf.max(tf.abs(tf.sub(ours, reference))).dataSync()[0] as number;
    });
    expect(difference).toBeLessThan(1e-5);
  });

  it('keeps less memory in a gradient step', async () => {
    const x = tf.randomNormal([256, 1536]);
    const peak = async (activation: (input: tf.Tensor) => tf.Tensor) => {
      const info = await tf.profile(() => tf.grad((input: tf.Tensor) => tf.sum(activation(input)))(x));
      tf.dispose(info.result);
      return info.peakBytes;
    };
    const ours = await peak(gelu);
    const composed = await peak(composedGelu);
    x.dispose();
    // One [256, 1536] float32 tensor is 1.5 MiB, and the composed form keeps several more until the step ends.
    expect(composed - ours).toBeGreaterThanOrEqual(2 * 256 * 1536 * 4);
  });
});
