import type * as tf from '@tensorflow/tfjs';

/** Scores candidate news for users: candidates [batch, count, size] and users [batch, size] give [batch, count]. */
export interface ClickPredictor {
  score(candidates: tf.Tensor3D, users: tf.Tensor2D): tf.Tensor2D;
}
