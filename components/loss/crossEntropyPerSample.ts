import * as tf from '@tensorflow/tfjs';

/** Softmax cross-entropy of each row of logits [batch, classes] with its integer label: -log softmax(logits)[label]. */
export function crossEntropyPerSample(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const classes = logits.shape[1];
    const oneHot = tf.oneHot(tf.cast(labels, 'int32'), classes);
    return tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1)) as tf.Tensor1D;
  });
}
