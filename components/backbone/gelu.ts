import * as tf from '@tensorflow/tfjs';

/**
 * Computes the exact GELU, x * Phi(x), with Phi the standard normal CDF, as
 * torch.nn.functional.gelu does.
 *
 * The gradient Phi(x) + x * phi(x) is written out, so a training step keeps
 * only x for the backward pass. Automatic differentiation of the composed
 * form keeps four intermediate tensors of x's size, and in BERT's
 * feed-forward layer x is the largest activation (4 times the hidden size).
 */
const geluWithGradient = tf.customGrad((x, save) => {
  const input = x as tf.Tensor;
  (save as tf.GradSaveFunc)([input]);
  const value = tf.mul(tf.mul(input, 0.5), tf.add(1, tf.erf(tf.mul(input, Math.SQRT1_2))));
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) =>
    tf.tidy(() => {
      const [savedInput] = saved as [tf.Tensor];
      const cdf = tf.mul(0.5, tf.add(1, tf.erf(tf.mul(savedInput, Math.SQRT1_2))));
      const density = tf.mul(1 / Math.sqrt(2 * Math.PI), tf.exp(tf.mul(-0.5, tf.square(savedInput))));
      return tf.mul(dy, tf.add(cdf, tf.mul(savedInput, density)));
    });
  return { value, gradFunc };
});

export function gelu<T extends tf.Tensor>(x: T): T {
  return geluWithGradient(x) as T;
}
