import type * as tf from '@tensorflow/tfjs';
import type { Random } from '../../framework/random/Random.ts';
import type { Module } from '../../framework/model/Module.ts';

/** Reduces token states [batch, length, hidden] to one vector per row [batch, hidden]. */
export interface Pooling extends Module {
  apply(states: tf.Tensor3D, attentionMask: tf.Tensor2D, training: boolean): tf.Tensor2D;
  clone(): Pooling;
}

/** What a pooling factory needs to know about its input. */
export interface PoolingContext {
  readonly inputSize: number;
  readonly random: Random;
}
