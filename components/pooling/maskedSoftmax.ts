import * as tf from '@tensorflow/tfjs';

/** Added to the scores of masked positions; exp() of it underflows to 0. */
const MASKED_SCORE = -1e9;

/**
 * Softmax over the last axis of scores [batch, length] that ignores positions
 * where mask is 0. A row whose mask is all 0 gets uniform weights.
 */
export function maskedSoftmax(scores: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const keep = tf.cast(mask, 'float32');
    return tf.softmax(tf.add(scores, tf.mul(tf.sub(1, keep), MASKED_SCORE))) as tf.Tensor2D;
  });
}

/** Weighted sum of vectors [batch, length, size] with weights [batch, length]: [batch, size]. */
export function weightedSum(vectors: tf.Tensor3D, weights: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.squeeze(tf.matMul(tf.expandDims(weights, 1), vectors), [1]) as tf.Tensor2D);
}
