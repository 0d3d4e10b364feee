import type * as tf from '@tensorflow/tfjs';
import type { Module } from '../../framework/model/Module.ts';

/** The parts of a backbone that the optimiser updates. */
export interface Trainability {
  /** Number of top transformer layers that train; the layers below them are frozen. */
  readonly layers: number;
  /** Whether the token, position and token-type embeddings train. */
  readonly embeddings: boolean;
}

/**
 * A transformer that turns token ids into token states. Its computation is split
 * at the boundary between frozen and trainable layers so that callers can cache
 * the frozen part per news article: applyUpper(applyLower(x)) equals apply(x).
 */
export interface Backbone extends Module {
  readonly hiddenSize: number;
  /** Number of transformer layers kept. */
  readonly layerCount: number;
  /** Hugging Face `config.json` contents describing this backbone. */
  readonly config: Record<string, unknown>;
  /** The current split between frozen and trainable parts. */
  readonly trainability: Trainability;
  /**
   * True when applyLower involves no trainable weight (the embeddings are frozen),
   * so its outputs can be cached per text. When false, applyLower includes the
   * trainable embeddings and gradients flow through it.
   */
  readonly lowerIsFrozen: boolean;
  /** Changes which parts train; a stage calls it before building its optimiser. `layers` above layerCount means all layers. */
  setTrainable(trainable: Trainability): void;
  /** Token states [batch, length, hidden]. */
  apply(inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D, training: boolean): tf.Tensor3D;
  /**
   * States after the embeddings and every frozen layer. Frozen layers run without
   * dropout; `training` only turns on embedding dropout when the embeddings train.
   */
  applyLower(inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D, training?: boolean): tf.Tensor3D;
  /** The trainable layers on top of applyLower's output. */
  applyUpper(lowerStates: tf.Tensor3D, attentionMask: tf.Tensor2D, training: boolean): tf.Tensor3D;
  /** Writes `config.json` and `model.safetensors` in Hugging Face BertModel layout. */
  save(directory: string): Promise<void>;
  /** An independent copy with the same weights (used for snapshots and teachers). */
  clone(): Backbone;
}
