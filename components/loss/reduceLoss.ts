import * as tf from '@tensorflow/tfjs';

/** Reduces per-sample losses [batch] to `coef * mean`, over the samples with mask 1 when a mask is given. */
export function reduceLoss(perSample: tf.Tensor1D, coef: number, sampleMask?: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    if (sampleMask === undefined) {
      return tf.mul(coef, tf.mean(perSample)) as tf.Scalar;
    }
    const mask = tf.cast(sampleMask, 'float32');
    // A fully masked batch gives 0 rather than 0/0.
    const count = tf.maximum(tf.sum(mask), 1);
    return tf.mul(coef, tf.div(tf.sum(tf.mul(perSample, mask)), count)) as tf.Scalar;
  });
}
