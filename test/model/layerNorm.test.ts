import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { layerNorm } from '../../components/backbone/layerNorm.ts';
import { describeEachBackend } from '../backend/backends.ts';

type Norm = (x: tf.Tensor, gain: tf.Tensor1D, bias: tf.Tensor1D, epsilon: number) => tf.Tensor;

/** Computes layer normalisation with plain ops, which TensorFlow.js differentiates automatically. */
function composedLayerNorm(x: tf.Tensor, gain: tf.Tensor1D, bias: tf.Tensor1D, epsilon: number): tf.Tensor {
  const centered = tf.sub(x, tf.mean(x, -1, true));
  const variance = tf.mean(tf.square(centered), -1, true);
  return tf.add(tf.mul(tf.mul(centered, tf.rsqrt(tf.add(variance, epsilon))), gain), bias);
}

/** Returns the gradients of sum(layerNorm(x) * weights) with respect to x, gain and bias. */
function gradients(norm: Norm, x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor, weights: tf.Tensor, epsilon: number): tf.Tensor[] {
  return tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(norm(a, b as tf.Tensor1D, c as tf.Tensor1D, epsilon), weights)))([x, gain, bias]);
}

describeEachBackend('layerNorm', () => {
  it('normalises a worked example', () => {
    // x = [1, 2, 3]: mean 2, variance 2/3, so x_hat = [-1, 0, 1] * sqrt(1.5).
    const values = tf.tidy(() => layerNorm(tf.tensor2d([[1, 2, 3]]), tf.ones([3]) as tf.Tensor1D, tf.zeros([3]) as tf.Tensor1D, 0).arraySync() as number[][]);
    expect(values[0]?.[0]).toBeCloseTo(-1.224744871391589, 6);
    expect(values[0]?.[1]).toBeCloseTo(0, 6);
    expect(values[0]?.[2]).toBeCloseTo(1.224744871391589, 6);
  });

  it('differentiates a worked example', () => {
    // d x_hat[0] / d x = sqrt(1.5) * [1/6, -1/3, 1/6], checked by central differences in numpy.
    const [dx] = tf.tidy(() =>
      gradients(layerNorm, tf.tensor2d([[1, 2, 3]]), tf.ones([3]), tf.zeros([3]), tf.tensor2d([[1, 0, 0]]), 0).map((tensor) => tensor.arraySync() as number[][]),
    );
    expect(dx?.[0]?.[0]).toBeCloseTo(0.2041241452, 6);
    expect(dx?.[0]?.[1]).toBeCloseTo(-0.4082482905, 6);
    expect(dx?.[0]?.[2]).toBeCloseTo(0.2041241452, 6);
  });

  it('agrees with automatic differentiation', () => {
    const differences = tf.tidy(() => {
      const x = tf.randomNormal([4, 7, 16], 1, 3, 'float32', 3);
      const gain = tf.randomNormal([16], 1, 0.5, 'float32', 4);
      const bias = tf.randomNormal([16], 0, 0.5, 'float32', 5);
      const weights = tf.randomNormal([4, 7, 16], 0, 1, 'float32', 6);
      const ours = gradients(layerNorm, x, gain, bias, weights, 1e-12);
      const reference = gradients(composedLayerNorm, x, gain, bias, weights, 1e-12);
      return ours.map((tensor, index) => tf.max(tf.abs(tf.sub(tensor, reference[index] as tf.Tensor))).dataSync()[0] as number);
    });
    expect(differences).toHaveLength(3);
    for (const difference of differences) expect(difference).toBeLessThan(1e-4);
  });

  it('keeps less memory after the forward pass', () => {
    const x = tf.randomNormal([64, 30, 384]);
    const gain = tf.variable(tf.ones([384])) as tf.Variable<tf.Rank.R1>;
    const bias = tf.variable(tf.zeros([384])) as tf.Variable<tf.Rank.R1>;
    const aliveAfterForward = (norm: Norm) => {
      const before = tf.memory().numBytes;
      let alive = 0;
      const result = tf.variableGrads(() => {
        const loss = tf.sum(norm(x, gain, bias, 1e-12)) as tf.Scalar;
        alive = tf.memory().numBytes - before;
        return loss;
      }, [gain, bias]);
      tf.dispose([result.value, ...Object.values(result.grads)]);
      return alive;
    };
    const ours = aliveAfterForward(layerNorm);
    const composed = aliveAfterForward(composedLayerNorm);
    tf.dispose([x, gain, bias]);
    // One [64, 30, 384] float32 tensor is 2.8 MiB, and the composed form keeps four more until the step ends.
    expect(composed - ours).toBeGreaterThanOrEqual(3 * 64 * 30 * 384 * 4);
  });
});
