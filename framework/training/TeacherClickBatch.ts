import * as tf from '@tensorflow/tfjs';
import type { Recommender } from '../model/Recommender.ts';
import { clickForwardFromVectors, type ClickBatch } from './clickForward.ts';
import { teacherTargets, teacherWeightStatistics, type DistillationLosses, type TeacherTargets } from './distillationObjective.ts';

/**
 * The frozen teachers' side of a click batch in stage-2 distillation: teacher
 * weights, mixed teacher logits, and each teacher's candidate and user vectors.
 * It is computed once for the whole batch, outside the gradient step, and the
 * parts of a split batch take their rows from it. The teacher weighting thus
 * receives the whole batch, so a weighting that uses batch-level statistics
 * gives the same weights with or without the split.
 */
export class TeacherClickBatch {
  private constructor(
    readonly size: number,
    readonly targets: TeacherTargets,
    /** Candidate news vectors of each teacher [size, candidateCount, teacherSize]. */
    readonly candidateVectors: readonly tf.Tensor3D[],
    /** User vectors of each teacher [size, teacherSize]. */
    readonly users: readonly tf.Tensor2D[],
  ) {}

  /**
   * Scores the batch with every teacher from its cached news vectors
   * (`vectorsOf[i]` for teacher i) and weights the teachers. The caller
   * disposes the result.
   */
  static compute(
    losses: DistillationLosses,
    teachers: readonly Recommender[],
    vectorsOf: readonly ((rows: Int32Array) => Float32Array)[],
    batch: ClickBatch,
  ): TeacherClickBatch {
    const { weights, mixedScores, candidateVectors, users } = tf.tidy(() => {
      const forwards = teachers.map((teacher, index) =>
        clickForwardFromVectors(teacher, batch, vectorsOf[index] as (rows: Int32Array) => Float32Array),
      );
      const labels = tf.zeros([batch.size], 'int32') as tf.Tensor1D;
      const targets = teacherTargets(losses, forwards.map((forward) => forward.scores), labels);
      return {
        weights: targets.weights,
        mixedScores: targets.mixedScores,
        candidateVectors: forwards.map((forward) => forward.candidateVectors),
        users: forwards.map((forward) => forward.users),
      };
    });
    return new TeacherClickBatch(batch.size, { weights, mixedScores }, candidateVectors, users);
  }

  /** Returns samples [start, start + size) of the batch. Run it inside tf.tidy or a gradient function. */
  slice(start: number, size: number): TeacherClickBatch {
    if (start < 0 || size < 1 || start + size > this.size) {
      throw new Error(`samples [${start}, ${start + size}) are out of range for a teacher batch of ${this.size}`);
    }
    const rows = <T extends tf.Tensor>(tensor: T): T => tf.slice(tensor, start, size) as T;
    return new TeacherClickBatch(
      size,
      { weights: rows(this.targets.weights), mixedScores: rows(this.targets.mixedScores) },
      this.candidateVectors.map(rows),
      this.users.map(rows),
    );
  }

  /** Returns the teacher weight statistics of the batch as numbers, e.g. beta_1 and beta_1_std. */
  weightStatistics(weightName: 'alpha' | 'beta'): Record<string, number> {
    return tf.tidy(() => {
      const statistics = teacherWeightStatistics(this.targets.weights, weightName);
      return Object.fromEntries(
        Object.entries(statistics).map(([name, value]) => [name, (value.dataSync() as Float32Array)[0] as number]),
      );
    });
  }

  dispose(): void {
    tf.dispose([this.targets.weights, this.targets.mixedScores, ...this.candidateVectors, ...this.users]);
  }
}
