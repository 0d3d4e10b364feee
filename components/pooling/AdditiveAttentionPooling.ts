import type * as tf from '@tensorflow/tfjs';
import type { NamedWeight } from '../../framework/model/Module.ts';
import { AdditiveAttentionLayer } from './AdditiveAttentionLayer.ts';
import type { Pooling, PoolingContext } from './Pooling.ts';

/** Pools token states with additive attention over the non-padding tokens. */
export class AdditiveAttentionPooling implements Pooling {
  constructor(private readonly attention: AdditiveAttentionLayer) {}

  static create(querySize: number, context: PoolingContext): AdditiveAttentionPooling {
    return new AdditiveAttentionPooling(AdditiveAttentionLayer.create(context.inputSize, querySize, context.random));
  }

  apply(states: tf.Tensor3D, attentionMask: tf.Tensor2D): tf.Tensor2D {
    return this.attention.apply(states, attentionMask);
  }

  weights(): NamedWeight[] {
    return this.attention.weights();
  }

  trainableWeights(): NamedWeight[] {
    return this.weights();
  }

  clone(): AdditiveAttentionPooling {
    return new AdditiveAttentionPooling(this.attention.clone());
  }

  dispose(): void {
    this.attention.dispose();
  }
}
