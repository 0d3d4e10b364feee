import * as tf from '@tensorflow/tfjs';
import type { NamedWeight } from '../../framework/model/Module.ts';
import type { Random } from '../../framework/random/Random.ts';
import { DenseLayer, prefixWeights } from '../attention/DenseLayer.ts';

/**
 * A GRU with PyTorch nn.GRU's equations: r = sigmoid(W_ir x + W_hr h),
 * z = sigmoid(W_iz x + W_hz h), n = tanh(W_in x + r * (W_hn h)), each with
 * biases, and h' = (1 - z) * n + z * h. Steps whose mask is 0 keep h.
 */
export class GruLayer {
  private constructor(
    readonly hiddenSize: number,
    private readonly input: DenseLayer,
    private readonly hidden: DenseLayer,
  ) {}

  static create(inputSize: number, hiddenSize: number, random: Random): GruLayer {
    return new GruLayer(hiddenSize, DenseLayer.create(inputSize, 3 * hiddenSize, random.fork('input')), DenseLayer.create(hiddenSize, 3 * hiddenSize, random.fork('hidden')));
  }

  /** sequence [batch, length, inputSize], mask [batch, length] and initial state [batch, hiddenSize] to the last state. */
  apply(sequence: tf.Tensor3D, mask: tf.Tensor2D, initial: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const [batch, length] = sequence.shape;
      const size = this.hiddenSize;
      // The input projections of every step at once; only the recurrent part runs per step.
      const projected = this.input.apply(sequence);
      const keep = tf.cast(mask, 'float32');
      let state = initial;
      for (let step = 0; step < length; step++) {
        const x = tf.reshape(tf.slice(projected, [0, step, 0], [batch, 1, 3 * size]), [batch, 3 * size]);
        const h = this.hidden.apply(state);
        const [xr, xz, xn] = tf.split(x, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const [hr, hz, hn] = tf.split(h, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const reset = tf.sigmoid(tf.add(xr, hr));
        const update = tf.sigmoid(tf.add(xz, hz));
        const candidate = tf.tanh(tf.add(xn, tf.mul(reset, hn)));
        const next = tf.add(tf.mul(tf.sub(1, update), candidate), tf.mul(update, state));
        const real = tf.slice(keep, [0, step], [batch, 1]);
        state = tf.add(tf.mul(real, next), tf.mul(tf.sub(1, real), state)) as tf.Tensor2D;
      }
      return state;
    });
  }

  weights(): NamedWeight[] {
    return [...prefixWeights('input', this.input.weights()), ...prefixWeights('hidden', this.hidden.weights())];
  }

  clone(): GruLayer {
    return new GruLayer(this.hiddenSize, this.input.clone(), this.hidden.clone());
  }

  dispose(): void {
    this.input.dispose();
    this.hidden.dispose();
  }
}
