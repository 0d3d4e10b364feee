import type * as tf from '@tensorflow/tfjs';
import type { Module } from '../../framework/model/Module.ts';
import type { Backbone, Trainability } from '../backbone/Backbone.ts';
import type { Tokenizer } from '../tokenizer/Tokenizer.ts';

/** Token ids and masks of a batch of texts, as tensors [batch, length]. */
export interface TokenBatch {
  readonly inputIds: tf.Tensor2D;
  readonly attentionMask: tf.Tensor2D;
}

/** Turns the tokens of news texts into news vectors [batch, outputSize]. */
export interface NewsEncoder extends Module {
  readonly outputSize: number;
  readonly tokenizer: Tokenizer;
  /** The transformer inside; its applyLower output can be cached when `backbone.lowerIsFrozen`. */
  readonly backbone: Backbone;
  encode(tokens: TokenBatch, training: boolean): tf.Tensor2D;
  /** encode() from the output of backbone.applyLower: the trainable layers, pooling and projection. */
  encodeFromLower(lowerStates: tf.Tensor3D, attentionMask: tf.Tensor2D, training: boolean): tf.Tensor2D;
  /** Changes which backbone parts train; the pooling and projection always train. */
  setTrainable(trainable: Trainability): void;
  /** Saves weights (backbone in Hugging Face layout plus the rest) and tokenizer files to a directory. */
  save(directory: string): Promise<void>;
  clone(): NewsEncoder;
}
