import * as tf from '@tensorflow/tfjs';
import type { NamedWeight } from '../../framework/model/Module.ts';
import type { Random } from '../../framework/random/Random.ts';
import { DenseLayer, prefixWeights } from './DenseLayer.ts';

/** Added to the scores of masked keys; exp() of it underflows to 0. */
const MASKED_SCORE = -1e9;

/**
 * Multi-head self-attention as NRMS uses it for words and for clicked news
 * (Wu et al., "Neural News Recommendation with Multi-Head Self-Attention",
 * EMNLP 2019): per head, softmax(Q K^T / sqrt(headSize)) V over the unmasked
 * positions, heads concatenated, without an output projection. Output width
 * is heads * headSize.
 */
export class MultiHeadSelfAttention {
  private constructor(
    readonly heads: number,
    readonly headSize: number,
    private readonly query: DenseLayer,
    private readonly key: DenseLayer,
    private readonly value: DenseLayer,
  ) {}

  static create(inputSize: number, heads: number, headSize: number, random: Random): MultiHeadSelfAttention {
    const width = heads * headSize;
    return new MultiHeadSelfAttention(
      heads,
      headSize,
      DenseLayer.create(inputSize, width, random.fork('query')),
      DenseLayer.create(inputSize, width, random.fork('key')),
      DenseLayer.create(inputSize, width, random.fork('value')),
    );
  }

  get outputSize(): number {
    return this.heads * this.headSize;
  }

  /** x [batch, length, inputSize] and mask [batch, length] (1 = real) to [batch, length, heads * headSize]. */
  apply(x: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor3D {
    return tf.tidy(() => {
      const [batch, length] = x.shape;
      const split = (projected: tf.Tensor3D) =>
        tf.reshape(tf.transpose(tf.reshape(projected, [batch, length, this.heads, this.headSize]), [0, 2, 1, 3]), [
          batch * this.heads,
          length,
          this.headSize,
        ]) as tf.Tensor3D;
      const queries = split(this.query.apply(x));
      const keys = split(this.key.apply(x));
      const values = split(this.value.apply(x));
      const scores = tf.div(tf.matMul(queries, tf.transpose(keys, [0, 2, 1])), Math.sqrt(this.headSize));
      // Every query of every head ignores the masked keys of its row.
      const keyMask = tf.reshape(tf.tile(tf.expandDims(tf.cast(mask, 'float32'), 1), [1, this.heads, 1]), [batch * this.heads, 1, length]);
      const weights = tf.softmax(tf.add(scores, tf.mul(tf.sub(1, keyMask), MASKED_SCORE)));
      const context = tf.matMul(weights, values);
      return tf.reshape(tf.transpose(tf.reshape(context, [batch, this.heads, length, this.headSize]), [0, 2, 1, 3]), [
        batch,
        length,
        this.outputSize,
      ]) as tf.Tensor3D;
    });
  }

  weights(): NamedWeight[] {
    return [
      ...prefixWeights('query', this.query.weights()),
      ...prefixWeights('key', this.key.weights()),
      ...prefixWeights('value', this.value.weights()),
    ];
  }

  clone(): MultiHeadSelfAttention {
    return new MultiHeadSelfAttention(this.heads, this.headSize, this.query.clone(), this.key.clone(), this.value.clone());
  }

  dispose(): void {
    this.query.dispose();
    this.key.dispose();
    this.value.dispose();
  }
}
