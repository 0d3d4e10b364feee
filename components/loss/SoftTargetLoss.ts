import * as tf from '@tensorflow/tfjs';
import type { DistillationLoss } from './Loss.ts';
import { reduceLoss } from './reduceLoss.ts';

/**
 * Soft-target distillation (Hinton et al., 2015): CE(softmax(teacher / T),
 * softmax(student / T)) per sample, optionally times T^2. The caller mixes the
 * teachers' logits beforehand. No gradient reaches the teacher side because
 * only student weights are trained.
 */
export class SoftTargetLoss implements DistillationLoss {
  constructor(
    readonly coef: number,
    readonly temperature: number,
    readonly scaleByTemperatureSquared: boolean,
  ) {}

  perSample(teacherLogits: tf.Tensor2D, studentLogits: tf.Tensor2D): tf.Tensor1D {
    if (teacherLogits.shape[1] !== studentLogits.shape[1]) {
      throw new Error(`teacher and student logits must have the same classes, got ${teacherLogits.shape} and ${studentLogits.shape}`);
    }
    return tf.tidy(() => {
      const target = tf.softmax(tf.div(teacherLogits, this.temperature));
      const logProbabilities = tf.logSoftmax(tf.div(studentLogits, this.temperature));
      const crossEntropy = tf.neg(tf.sum(tf.mul(target, logProbabilities), 1));
      const scale = this.scaleByTemperatureSquared ? this.temperature ** 2 : 1;
      return tf.mul(crossEntropy, scale) as tf.Tensor1D;
    });
  }

  compute(teacherLogits: tf.Tensor2D, studentLogits: tf.Tensor2D, sampleMask?: tf.Tensor1D): tf.Scalar {
    const perSample = this.perSample(teacherLogits, studentLogits);
    const loss = reduceLoss(perSample, this.coef, sampleMask);
    perSample.dispose();
    return loss;
  }
}
