import * as tf from '@tensorflow/tfjs';
import { crossEntropyPerSample } from '../loss/crossEntropyPerSample.ts';
import type { TeacherWeighting } from './TeacherWeighting.ts';

/**
 * Tiny-NewsRec's teacher weights: weights[b, i] = softmax_i(-CE(teacher_i logits[b], label[b])),
 * so the teacher with the lowest loss on a sample counts most.
 */
export class LossBasedWeighting implements TeacherWeighting {
  weights(teacherLogits: readonly tf.Tensor2D[], labels: tf.Tensor1D): tf.Tensor2D {
    if (teacherLogits.length === 0) {
      throw new Error('teacher weighting needs at least one teacher, got none');
    }
    return tf.tidy(() => {
      const losses = tf.stack(teacherLogits.map((logits) => crossEntropyPerSample(logits, labels)), 1);
      return tf.softmax(tf.neg(losses)) as tf.Tensor2D;
    });
  }
}
