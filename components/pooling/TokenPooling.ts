import * as tf from '@tensorflow/tfjs';
import type { NamedWeight } from '../../framework/model/Module.ts';
import type { Pooling } from './Pooling.ts';

/** Poolings without weights: the [CLS] state or the mean of the non-padding states. */
export class TokenPooling implements Pooling {
  constructor(readonly mode: 'cls' | 'mean') {}

  apply(states: tf.Tensor3D, attentionMask: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const [batch, , size] = states.shape;
      if (this.mode === 'cls') {
        return tf.reshape(tf.slice(states, [0, 0, 0], [batch, 1, size]), [batch, size]) as tf.Tensor2D;
      }
      const mask = tf.expandDims(tf.cast(attentionMask, 'float32'), 2);
      const sums = tf.sum(tf.mul(states, mask), 1);
      // A row without tokens would divide by 0; it gets a zero vector instead.
      const counts = tf.maximum(tf.sum(mask, 1), 1);
      return tf.div(sums, counts) as tf.Tensor2D;
    });
  }

  weights(): NamedWeight[] {
    return [];
  }

  trainableWeights(): NamedWeight[] {
    return [];
  }

  clone(): TokenPooling {
    return new TokenPooling(this.mode);
  }

  dispose(): void {}
}
