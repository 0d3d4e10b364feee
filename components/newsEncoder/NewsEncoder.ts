import type * as tf from '@tensorflow/tfjs';
import type { Module } from '../../framework/model/Module.ts';
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
  encode(tokens: TokenBatch, training: boolean): tf.Tensor2D;
  /** Saves weights (backbone in Hugging Face layout plus the rest) and tokenizer files to a directory. */
  save(directory: string): Promise<void>;
  clone(): NewsEncoder;
}
