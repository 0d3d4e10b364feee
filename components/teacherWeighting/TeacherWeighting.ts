import type * as tf from '@tensorflow/tfjs';

/** Decides, per sample, how much each teacher counts in distillation. */
export interface TeacherWeighting {
  /**
   * Weights [batch, teachers], each row summing to 1.
   * teacherLogits: one [batch, classes] tensor per teacher; labels: target class per sample [batch].
   */
  weights(teacherLogits: readonly tf.Tensor2D[], labels: tf.Tensor1D): tf.Tensor2D;
}
