import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { adamOptimizer } from '../../components/optimizer/adam.ts';

describe('adam optimizer', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('fills the PyTorch defaults', async () => {
    const optimizer = (await adamOptimizer.create(
      { learningRate: 0.0001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
      {},
    )) as tf.AdamOptimizer;
    expect(optimizer.getConfig()).toEqual({ learningRate: 0.0001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
    optimizer.dispose();
  });

  it('takes a first step of size learningRate', async () => {
    // Adam's first step is lr * m / (sqrt(v) + eps) with bias-corrected m = g and v = g^2, so about lr * sign(g).
    const optimizer = await adamOptimizer.create({ learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, {});
    const weight = tf.variable(tf.tensor1d([1, -2]));
    optimizer.minimize(() => tf.sum(tf.mul(weight, tf.tensor1d([3, -0.5]))) as tf.Scalar);
    const updated = Array.from(weight.dataSync());
    expect(updated[0]).toBeCloseTo(0.9, 5);
    expect(updated[1]).toBeCloseTo(-1.9, 5);
    optimizer.dispose();
    weight.dispose();
  });

  it('clips gradients by global norm', async () => {
    // Gradients [3, 4] and [12] have global norm 13, so clipping to norm 1 divides them by 13.
    // Adam's first step does not depend on the gradient scale, so the test reads the first
    // moment m = (1 - beta1) * g instead, which does.
    const optimizer = await adamOptimizer.create(
      { learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, maxGradientNorm: 1 },
      {},
    );
    const a = tf.variable(tf.tensor1d([0, 0]), true, 'clip-a');
    const b = tf.variable(tf.tensor1d([0]), true, 'clip-b');
    optimizer.applyGradients({ 'clip-a': tf.tensor1d([3, 4]), 'clip-b': tf.tensor1d([12]) });
    const [firstMomentA] = (await optimizer.getWeights()).filter((weight) => weight.name === 'clip-a/m');
    expect(Array.from(firstMomentA?.tensor.dataSync() ?? [])).toEqual([
      expect.closeTo((0.1 * 3) / 13, 6),
      expect.closeTo((0.1 * 4) / 13, 6),
    ]);
    optimizer.dispose();
    a.dispose();
    b.dispose();
  });
});
