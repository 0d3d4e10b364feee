import type * as tf from '@tensorflow/tfjs';
import type { Random } from '../../framework/random/Random.ts';
import type { Module } from '../../framework/model/Module.ts';

/** Turns the vectors of a user's clicked news into a user vector. */
export interface UserEncoder extends Module {
  /**
   * history: [batch, historyLength, newsSize]; mask: [batch, historyLength], 1 for a real
   * click and 0 for padding. Returns [batch, newsSize].
   */
  encode(history: tf.Tensor3D, mask: tf.Tensor2D, training: boolean): tf.Tensor2D;
  clone(): UserEncoder;
}

export interface UserEncoderContext {
  readonly newsSize: number;
  readonly random: Random;
}
