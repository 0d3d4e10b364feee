import * as tf from '@tensorflow/tfjs';
import type { NamedWeight } from '../../framework/model/Module.ts';
import type { Random } from '../../framework/random/Random.ts';
import { dropout, prefixWeights } from '../attention/DenseLayer.ts';
import { AdditiveAttentionLayer } from '../pooling/AdditiveAttentionLayer.ts';
import { TextCnn } from './TextCnn.ts';

/** Sizes of a CNN text view. */
export interface TextViewShape {
  readonly inputSize: number;
  readonly filters: number;
  readonly window: number;
  readonly querySize: number;
  readonly dropout: number;
}

/**
 * One text of an article as NAML's title and body views and LSTUR's title
 * encoder read it: dropout on the word vectors, a CNN, dropout, then additive
 * attention over the positions into one vector [batch, filters].
 */
export class AttentiveTextView {
  private constructor(
    private readonly cnn: TextCnn,
    private readonly attention: AdditiveAttentionLayer,
    private readonly dropoutRate: number,
    private readonly random: Random,
  ) {}

  static create(shape: TextViewShape, random: Random): AttentiveTextView {
    return new AttentiveTextView(
      TextCnn.create(shape.inputSize, shape.filters, shape.window, random.fork('cnn')),
      AdditiveAttentionLayer.create(shape.filters, shape.querySize, random.fork('attention')),
      shape.dropout,
      random.fork('dropout'),
    );
  }

  get outputSize(): number {
    return this.cnn.filters;
  }

  /** Word vectors [batch, length, inputSize] and mask [batch, length] to [batch, filters]. */
  apply(words: tf.Tensor3D, mask: tf.Tensor2D, training: boolean): tf.Tensor2D {
    return tf.tidy(() => {
      const features = this.cnn.apply(dropout(words, this.dropoutRate, training, this.random));
      return this.attention.apply(dropout(features, this.dropoutRate, training, this.random), mask);
    });
  }

  weights(): NamedWeight[] {
    return [...prefixWeights('cnn', this.cnn.weights()), ...prefixWeights('attention', this.attention.weights())];
  }

  clone(): AttentiveTextView {
    return new AttentiveTextView(this.cnn.clone(), this.attention.clone(), this.dropoutRate, this.random.fork('clone'));
  }

  dispose(): void {
    this.cnn.dispose();
    this.attention.dispose();
  }
}
