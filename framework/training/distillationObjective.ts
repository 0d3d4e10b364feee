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

/**
 * The Tiny-NewsRec distillation objective (Xu et al., EMNLP 2022, sections on
 * both distillation stages): per-sample teacher weights w = softmax(-CE of each
 * teacher), L_distill between the w-weighted teacher logits and the student's,
 * L_emb over the aligned representations weighted by w, and the student's own
 * target loss. Coefficients and the temperature live in the loss components.
 */
export function distillationObjective(
  losses: DistillationLosses,
  teacherScores: readonly tf.Tensor2D[],
  studentScores: tf.Tensor2D,
  labels: tf.Tensor1D,
  representations: readonly AlignedRepresentation[],
  weightName: 'alpha' | 'beta',
): LossTerms {
  const teacherWeights = losses.weighting.weights(teacherScores, labels);
  const mixedTeacher = tf.addN(
    teacherScores.map((scores, index) =>
      tf.mul(scores, tf.slice(teacherWeights, [0, index], [-1, 1])),
    ),
  ) as tf.Tensor2D;
  const distillation = losses.distillation.compute(mixedTeacher, studentScores);
  const target = losses.target.compute(studentScores, labels);
  const parts: Record<string, tf.Scalar> = { distillation_loss: distillation, target_loss: target };
  let total = tf.add(distillation, target) as tf.Scalar;
  for (const representation of representations) {
    const rows = representation.rowsPerSample ?? 1;
    const weights =
      rows === 1
        ? teacherWeights
        : (tf.reshape(tf.tile(tf.expandDims(teacherWeights, 1), [1, rows, 1]), [-1, teacherScores.length]) as tf.Tensor2D);
    const aligned = representation.alignment.compute(representation.teachers, representation.student, weights);
    parts[`${representation.name}_alignment_loss`] = aligned;
    total = tf.add(total, aligned) as tf.Scalar;
  }
  // Mean weight of each teacher over the batch, logged as alpha_1.. or beta_1.. (not part of the loss),
  // and its spread across the batch's samples (std, min, max) for the run report.
  const { mean: meanWeights, variance } = tf.moments(teacherWeights, 0);
  const minWeights = tf.min(teacherWeights, 0);
  const maxWeights = tf.max(teacherWeights, 0);
  const pick = (vector: tf.Tensor, index: number) => tf.reshape(tf.slice(vector, [index], [1]), []) as tf.Scalar;
  teacherScores.forEach((_, index) => {
    const name = `${weightName}_${index + 1}`;
    parts[name] = pick(meanWeights, index);
    parts[`${name}_std`] = tf.sqrt(pick(variance, index));
    parts[`${name}_min`] = pick(minWeights, index);
    parts[`${name}_max`] = pick(maxWeights, index);
  });
  return { total, parts };
}

