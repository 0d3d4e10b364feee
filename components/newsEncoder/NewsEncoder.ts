import type * as tf from '@tensorflow/tfjs';
import type { Module } from '../../framework/model/Module.ts';
import type { NewsInput } from '../../framework/model/NewsFeatures.ts';
import type { Random } from '../../framework/random/Random.ts';
import type { Registry } from '../../framework/registry/Registry.ts';
import type { Backbone, Trainability } from '../backbone/Backbone.ts';
import type { Tokenizer } from '../tokenizer/Tokenizer.ts';

export type { NewsFeatures, NewsField, NewsInput } from '../../framework/model/NewsFeatures.ts';

/** Token ids and masks of a batch of texts, as tensors [batch, length]. */
export interface TokenBatch {
  readonly inputIds: tf.Tensor2D;
  readonly attentionMask: tf.Tensor2D;
}

/**
 * Turns news articles into news vectors [rows, outputSize]. An encoder reads
 * what it needs of each article from `NewsInput.features`: token ids of the
 * title or abstract (from its tokenizer), category and subcategory ids.
 */
export interface NewsEncoder extends Module {
  readonly outputSize: number;
  readonly tokenizer: Tokenizer;
  encodeNews(input: NewsInput, training: boolean): tf.Tensor2D;
  /**
   * Changes which backbone parts train (stage settings `trainableLayers` and
   * `trainEmbeddings`). Encoders without a backbone leave it out and train all
   * their weights.
   */
  setTrainable?(trainable: Trainability): void;
  /** Saves weights and tokenizer files to a directory. */
  save(directory: string): Promise<void>;
  clone(): NewsEncoder;
}

/**
 * A news encoder built on a transformer (PLM-NR, Tiny-NewsRec). Its backbone is
 * split into a lower and an upper part so that stages can cache the lower
 * part's output per article while it is frozen.
 */
export interface TransformerNewsEncoder extends NewsEncoder {
  /** The transformer inside; its applyLower output can be cached when `backbone.lowerIsFrozen`. */
  readonly backbone: Backbone;
  encode(tokens: TokenBatch, training: boolean): tf.Tensor2D;
  /** encode() from the output of backbone.applyLower: the trainable layers, pooling and projection. */
  encodeFromLower(lowerStates: tf.Tensor3D, attentionMask: tf.Tensor2D, training: boolean): tf.Tensor2D;
  setTrainable(trainable: Trainability): void;
  clone(): TransformerNewsEncoder;
}

/** Tells whether an encoder has a backbone whose frozen layers can be cached. */
export function isTransformerNewsEncoder(encoder: NewsEncoder): encoder is TransformerNewsEncoder {
  const candidate = encoder as Partial<TransformerNewsEncoder>;
  return candidate.backbone !== undefined && typeof candidate.encodeFromLower === 'function';
}

/** Context the model builder gives every news encoder factory. */
export interface NewsEncoderContext {
  readonly registry: Registry;
  readonly tokenizer: Tokenizer;
  readonly random: Random;
  readonly resolvePath: (path: string) => string;
  readonly log: (message: string) => void;
  /** Rows of a category embedding table (category ids of the corpus, unknown included). */
  readonly categoryCount: number;
  readonly subcategoryCount: number;
}
