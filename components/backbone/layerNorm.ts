import * as tf from '@tensorflow/tfjs';

/**
 * Normalises x over its last axis and applies gain and bias, as
 * torch.nn.LayerNorm does: (x - mean) / sqrt(variance + epsilon) * gain + bias,
 * with the biased variance.
 *
 * The gradient is written out and recomputes the mean and the deviation from
 * x. A training step therefore keeps only x and the gain for the backward
 * pass, where automatic differentiation keeps four more tensors of x's size.
 */
export function layerNorm<T extends tf.Tensor>(x: T, gain: tf.Tensor1D, bias: tf.Tensor1D, epsilon: number): T {
  return layerNormWithGradient(epsilon)(x, gain, bias) as T;
}

const byEpsilon = new Map<number, (x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor) => tf.Tensor>();

function layerNormWithGradient(epsilon: number): (x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor) => tf.Tensor {
  let operation = byEpsilon.get(epsilon);
  if (operation === undefined) {
    operation = tf.customGrad((x, gain, bias, save) => {
      const input = x as tf.Tensor;
      (save as tf.GradSaveFunc)([input, gain as tf.Tensor]);
      const value = tf.add(tf.mul(normalise(input, epsilon), gain as tf.Tensor), bias as tf.Tensor);
      const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [savedInput, savedGain] = saved as [tf.Tensor, tf.Tensor];
          const width = savedInput.shape[savedInput.rank - 1] as number;
          const centered = tf.sub(savedInput, tf.mean(savedInput, -1, true));
          const inverseDeviation = tf.rsqrt(tf.add(tf.mean(tf.square(centered), -1, true), epsilon));
          const normalised = tf.mul(centered, inverseDeviation);
          const normalisedGradient = tf.mul(dy, savedGain);
          // d x = (g - mean(g) - x_hat * mean(g * x_hat)) / sigma, with g the gradient at x_hat.
          const inputGradient = tf.mul(
            inverseDeviation,
            tf.sub(
              tf.sub(normalisedGradient, tf.mean(normalisedGradient, -1, true)),
              tf.mul(normalised, tf.mean(tf.mul(normalisedGradient, normalised), -1, true)),
            ),
          );
          const rows = tf.reshape(dy, [-1, width]);
          const gainGradient = tf.sum(tf.mul(rows, tf.reshape(normalised, [-1, width])), 0);
          const biasGradient = tf.sum(rows, 0);
          return [inputGradient, gainGradient, biasGradient];
        });
      return { value, gradFunc };
    });
    byEpsilon.set(epsilon, operation as (x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor) => tf.Tensor);
  }
  return operation as (x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor) => tf.Tensor;
}

function normalise(x: tf.Tensor, epsilon: number): tf.Tensor {
  const centered = tf.sub(x, tf.mean(x, -1, true));
  const variance = tf.mean(tf.square(centered), -1, true);
  return tf.mul(centered, tf.rsqrt(tf.add(variance, epsilon)));
}
