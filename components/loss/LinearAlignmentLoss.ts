import * as tf from '@tensorflow/tfjs';
import type { NamedWeight } from '../../framework/model/Module.ts';
import type { Random } from '../../framework/random/Random.ts';
import type { EmbeddingAlignmentLoss } from './Loss.ts';
import { reduceLoss } from './reduceLoss.ts';

/**
 * Embedding alignment of Tiny-NewsRec: one learned linear map (W_i, b_i) per
 * teacher from the teacher's width to the student's, applied to the teacher
 * side. Per sample, the loss is sum_i w_i * MSE(W_i t_i + b_i, s), where MSE
 * averages the squared error over the student's width, as PyTorch's MSELoss does.
 * Weights are stored like torch.nn.Linear: `<i>.weight` [student, teacher_i]
 * and `<i>.bias` [student], initialised uniformly in +-1/sqrt(teacher_i).
 */
export class LinearAlignmentLoss implements EmbeddingAlignmentLoss {
  private readonly maps: { weight: NamedWeight; bias: NamedWeight }[];

  constructor(
    readonly coef: number,
    teacherSizes: readonly number[],
    readonly studentSize: number,
    random: Random,
  ) {
    if (teacherSizes.length === 0) {
      throw new Error('embedding-alignment needs at least one teacher, got none');
    }
    this.maps = teacherSizes.map((teacherSize, index) => {
      const bound = 1 / Math.sqrt(teacherSize);
      const weight = tf.variable(tf.randomUniform([studentSize, teacherSize], -bound, bound, 'float32', random.seed()));
      const bias = tf.variable(tf.randomUniform([studentSize], -bound, bound, 'float32', random.seed()));
      return { weight: { name: `${index}.weight`, variable: weight }, bias: { name: `${index}.bias`, variable: bias } };
    });
  }

  get teacherCount(): number {
    return this.maps.length;
  }

  weights(): NamedWeight[] {
    return this.maps.flatMap((map) => [map.weight, map.bias]);
  }

  trainableWeights(): NamedWeight[] {
    return this.weights();
  }

  /** Maps teacher i's representation [batch, teacherSize_i] into the student's space. */
  project(teacherIndex: number, teacher: tf.Tensor2D): tf.Tensor2D {
    const map = this.maps[teacherIndex];
    if (map === undefined) {
      throw new Error(`teacher index ${teacherIndex} is out of range for ${this.maps.length} teachers`);
    }
    return tf.tidy(() => tf.add(tf.matMul(teacher, map.weight.variable, false, true), map.bias.variable) as tf.Tensor2D);
  }

  perSample(teachers: readonly tf.Tensor2D[], student: tf.Tensor2D, weights: tf.Tensor2D): tf.Tensor1D {
    if (teachers.length !== this.maps.length) {
      throw new Error(`embedding-alignment was built for ${this.maps.length} teachers, got ${teachers.length} teacher tensors`);
    }
    if (weights.shape[1] !== teachers.length || weights.shape[0] !== student.shape[0]) {
      throw new Error(`teacher weights must have shape [${student.shape[0]}, ${teachers.length}], got [${weights.shape}]`);
    }
    return tf.tidy(() => {
      const errors = teachers.map((teacher, index) => tf.mean(tf.squaredDifference(this.project(index, teacher), student), 1));
      return tf.sum(tf.mul(tf.stack(errors, 1), weights), 1) as tf.Tensor1D;
    });
  }

  compute(teachers: readonly tf.Tensor2D[], student: tf.Tensor2D, weights: tf.Tensor2D, sampleMask?: tf.Tensor1D): tf.Scalar {
    const perSample = this.perSample(teachers, student, weights);
    const loss = reduceLoss(perSample, this.coef, sampleMask);
    perSample.dispose();
    return loss;
  }

  dispose(): void {
    for (const weight of this.weights()) {
      weight.variable.dispose();
    }
  }
}
