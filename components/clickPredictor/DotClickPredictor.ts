import * as tf from '@tensorflow/tfjs';
import type { ClickPredictor } from './ClickPredictor.ts';

/** Scores each candidate by the dot product of its news vector and the user vector. */
export class DotClickPredictor implements ClickPredictor {
  score(candidates: tf.Tensor3D, users: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.squeeze(tf.matMul(candidates, tf.expandDims(users, 2)), [2]) as tf.Tensor2D);
  }
}
