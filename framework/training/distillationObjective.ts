import * as tf from '@tensorflow/tfjs';
import type { ClassificationLoss, DistillationLoss, EmbeddingAlignmentLoss } from '../../components/loss/Loss.ts';
import type { TeacherWeighting } from '../../components/teacherWeighting/TeacherWeighting.ts';
import type { ComponentSpec } from '../registry/ComponentDefinition.ts';
import type { Registry } from '../registry/Registry.ts';
import type { LossTerms } from './trainStep.ts';

/** Settings of a distillation stage that name its loss and weighting components. */
export interface DistillationLossSettings {
  readonly distillation: ComponentSpec;
  readonly teacherWeighting: ComponentSpec;
  readonly targetLoss: ComponentSpec;
}

/** Builds the distillation loss, teacher weighting and target loss of a distillation stage. */
export async function createDistillationLosses(registry: Registry, settings: DistillationLossSettings): Promise<DistillationLosses> {
  return {
    distillation: await registry.create<DistillationLoss>('loss', settings.distillation, {}),
    weighting: await registry.create<TeacherWeighting>('teacherWeighting', settings.teacherWeighting, {}),
    target: await registry.create<ClassificationLoss>('loss', settings.targetLoss, {}),
  };
}

/** The losses and teacher weighting of a distillation stage. */
export interface DistillationLosses {
  readonly distillation: DistillationLoss;
  readonly weighting: TeacherWeighting;
  readonly target: ClassificationLoss;
}

/** One representation aligned between teachers and student, e.g. h_title or the user vector. */
export interface AlignedRepresentation {
  readonly name: string;
  readonly alignment: EmbeddingAlignmentLoss;
  /** One tensor per teacher [batch, teacherSize]. */
  readonly teachers: readonly tf.Tensor2D[];
  /** [batch * rowsPerSample, studentSize] */
  readonly student: tf.Tensor2D;
  /** Rows per sample, e.g. the candidate count for news vectors; 1 when left out. */
  readonly rowsPerSample?: number;
}

/** The teacher side of a distillation batch: per-sample teacher weights and the weighted teacher logits. */
export interface TeacherTargets {
  /** Weight of each teacher per sample [batch, teachers], each row summing to 1. */
  readonly weights: tf.Tensor2D;
  /** sum_i weights[:, i] * logits of teacher i [batch, classes], the soft-target side of L_distill. */
  readonly mixedScores: tf.Tensor2D;
}

/** Weights the teachers per sample and mixes their logits with those weights. Run it inside tf.tidy or a gradient function. */
export function teacherTargets(losses: DistillationLosses, teacherScores: readonly tf.Tensor2D[], labels: tf.Tensor1D): TeacherTargets {
  const weights = losses.weighting.weights(teacherScores, labels);
  const mixedScores = tf.addN(
    teacherScores.map((scores, index) => tf.mul(scores, tf.slice(weights, [0, index], [-1, 1]))),
  ) as tf.Tensor2D;
  return { weights, mixedScores };
}

/**
 * Summarises teacher weights [batch, teachers] for the logs: the mean weight
 * of each teacher over the batch as alpha_1.. or beta_1.., and its spread
 * across the samples (std, min, max). None of them is part of the loss.
 */
export function teacherWeightStatistics(weights: tf.Tensor2D, weightName: 'alpha' | 'beta'): Record<string, tf.Scalar> {
  const statistics: Record<string, tf.Scalar> = {};
  const { mean: meanWeights, variance } = tf.moments(weights, 0);
  const minWeights = tf.min(weights, 0);
  const maxWeights = tf.max(weights, 0);
  const pick = (vector: tf.Tensor, index: number) => tf.reshape(tf.slice(vector, [index], [1]), []) as tf.Scalar;
  for (let index = 0; index < (weights.shape[1] as number); index++) {
    const name = `${weightName}_${index + 1}`;
    statistics[name] = pick(meanWeights, index);
    statistics[`${name}_std`] = tf.sqrt(pick(variance, index));
    statistics[`${name}_min`] = pick(minWeights, index);
    statistics[`${name}_max`] = pick(maxWeights, index);
  }
  return statistics;
}

/**
 * Computes the student's part of the Tiny-NewsRec objective for given teacher
 * targets: L_distill between the mixed teacher logits and the student's, L_emb over the
 * aligned representations weighted per sample by the teacher weights, and the
 * student's own target loss. Every term is a mean over the samples, so the
 * share-weighted sum over the parts of a batch equals the whole batch's value.
 */
export function studentObjective(
  losses: DistillationLosses,
  targets: TeacherTargets,
  studentScores: tf.Tensor2D,
  labels: tf.Tensor1D,
  representations: readonly AlignedRepresentation[],
): LossTerms {
  const teacherCount = targets.weights.shape[1] as number;
  const distillation = losses.distillation.compute(targets.mixedScores, studentScores);
  const target = losses.target.compute(studentScores, labels);
  const parts: Record<string, tf.Scalar> = { distillation_loss: distillation, target_loss: target };
  let total = tf.add(distillation, target) as tf.Scalar;
  for (const representation of representations) {
    const rows = representation.rowsPerSample ?? 1;
    const weights =
      rows === 1
        ? targets.weights
        : (tf.reshape(tf.tile(tf.expandDims(targets.weights, 1), [1, rows, 1]), [-1, teacherCount]) as tf.Tensor2D);
    const aligned = representation.alignment.compute(representation.teachers, representation.student, weights);
    parts[`${representation.name}_alignment_loss`] = aligned;
    total = tf.add(total, aligned) as tf.Scalar;
  }
  return { total, parts };
}

/**
 * Computes the Tiny-NewsRec distillation objective (Xu et al., EMNLP 2022,
 * sections on both distillation stages): per-sample teacher weights w = softmax(-CE of each
 * teacher), L_distill between the w-weighted teacher logits and the student's,
 * L_emb over the aligned representations weighted by w, and the student's own
 * target loss. Coefficients and the temperature live in the loss components.
 * The parts also carry the teacher weight statistics of teacherWeightStatistics.
 */
export function distillationObjective(
  losses: DistillationLosses,
  teacherScores: readonly tf.Tensor2D[],
  studentScores: tf.Tensor2D,
  labels: tf.Tensor1D,
  representations: readonly AlignedRepresentation[],
  weightName: 'alpha' | 'beta',
): LossTerms {
  const targets = teacherTargets(losses, teacherScores, labels);
  const { total, parts } = studentObjective(losses, targets, studentScores, labels, representations);
  return { total, parts: { ...parts, ...teacherWeightStatistics(targets.weights, weightName) } };
}
