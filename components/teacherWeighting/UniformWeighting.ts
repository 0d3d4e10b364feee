import * as tf from '@tensorflow/tfjs';
import type { TeacherWeighting } from './TeacherWeighting.ts';

/** Equal weights 1/M for M teachers, the plain ensemble baseline. */
export class UniformWeighting implements TeacherWeighting {
  weights(teacherLogits: readonly tf.Tensor2D[], _labels: tf.Tensor1D): tf.Tensor2D {
    const first = teacherLogits[0];
    if (first === undefined) {
      throw new Error('teacher weighting needs at least one teacher, got none');
    }
    return tf.fill([first.shape[0], teacherLogits.length], 1 / teacherLogits.length);
  }
}
