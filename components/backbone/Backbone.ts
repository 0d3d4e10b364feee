import type * as tf from '@tensorflow/tfjs';
import type { Module } from '../../framework/model/Module.ts';

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
  /** Token states [batch, length, hidden]. */
  apply(inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D, training: boolean): tf.Tensor3D;
  /** States after the embeddings and every frozen layer; no gradient flows through them. */
  applyLower(inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D): tf.Tensor3D;
  /** The trainable layers on top of applyLower's output. */
  applyUpper(lowerStates: tf.Tensor3D, attentionMask: tf.Tensor2D, training: boolean): tf.Tensor3D;
  /** Writes `config.json` and `model.safetensors` in Hugging Face BertModel layout. */
  save(directory: string): Promise<void>;
  /** An independent copy with the same weights (used for snapshots and teachers). */
  clone(): Backbone;
}
