import type * as tf from '@tensorflow/tfjs';
import type { Random } from '../../framework/random/Random.ts';
import type { Module } from '../../framework/model/Module.ts';
import type { UserIndex } from '../../framework/model/UserIndex.ts';

/** Turns the vectors of a user's clicked news (and, for some models, the user's id) into a user vector. */
export interface UserEncoder extends Module {
  /**
   * True for encoders that read user indices (LSTUR's user-ID embedding);
   * stages then pass `users` to encode().
   */
  readonly readsUserIds?: boolean;
  /**
   * Encodes history [batch, historyLength, newsSize] into user vectors [batch, newsSize].
   * The mask [batch, historyLength] is 1 for a real click and 0 for padding.
   * Stages pass users [batch], indices from the run's UserIndex, when `readsUserIds` is true.
   */
  encode(history: tf.Tensor3D, mask: tf.Tensor2D, training: boolean, users?: tf.Tensor1D): tf.Tensor2D;
  clone(): UserEncoder;
}

export interface UserEncoderContext {
  readonly newsSize: number;
  readonly random: Random;
  /**
   * Indices of the users of the training split, built on the first call (one
   * pass over its behaviors). Only encoders with a user-ID embedding call it.
   */
  readonly users?: () => Promise<UserIndex>;
}
