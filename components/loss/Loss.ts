import type * as tf from '@tensorflow/tfjs';
import type { Module } from '../../framework/model/Module.ts';
import type { Random } from '../../framework/random/Random.ts';

/**
 * Every loss reduces to a scalar as `coef * mean over samples`. When a
 * `sampleMask` [batch] is given (1 for a real sample, 0 for padding), the mean
 * runs over the real samples only: sum(mask * loss) / sum(mask).
 */

/** A loss over class scores with one target class per sample (InfoNCE, softmax cross-entropy). */
export interface ClassificationLoss {
  readonly coef: number;
  /** Unscaled loss per sample [batch], without `coef`. */
  perSample(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D;
  /** `coef` times the (masked) batch mean. */
  compute(logits: tf.Tensor2D, labels: tf.Tensor1D, sampleMask?: tf.Tensor1D): tf.Scalar;
}

/** A soft-target loss that moves the student's class distribution towards the teachers'. */
export interface DistillationLoss {
  readonly coef: number;
  readonly temperature: number;
  /** Loss per sample [batch], with the T^2 factor when enabled but without `coef`. */
  perSample(teacherLogits: tf.Tensor2D, studentLogits: tf.Tensor2D): tf.Tensor1D;
  compute(teacherLogits: tf.Tensor2D, studentLogits: tf.Tensor2D, sampleMask?: tf.Tensor1D): tf.Scalar;
}

/**
 * A loss that maps each teacher's representation into the student's space with
 * its own learned linear map and penalises the distance. It owns those maps.
 */
export interface EmbeddingAlignmentLoss extends Module {
  readonly coef: number;
  /**
   * Per-sample sum over teachers of weights[b, i] * MSE(W_i t_i[b] + b_i, s[b]) [batch].
   * teachers: one [batch, teacherSize_i] tensor per teacher; student [batch, studentSize];
   * weights [batch, teachers].
   */
  perSample(teachers: readonly tf.Tensor2D[], student: tf.Tensor2D, weights: tf.Tensor2D): tf.Tensor1D;
  compute(teachers: readonly tf.Tensor2D[], student: tf.Tensor2D, weights: tf.Tensor2D, sampleMask?: tf.Tensor1D): tf.Scalar;
}

/** Context passed to loss factories. Only embedding-alignment reads it. */
export interface LossContext {
  /** Output width of each teacher representation, in teacher order. */
  readonly teacherSizes?: readonly number[];
  /** Width of the student representation. */
  readonly studentSize?: number;
  /** Source of the initial weights of the linear maps. */
  readonly random?: Random;
}
