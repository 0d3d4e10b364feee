import * as tf from '@tensorflow/tfjs';
import type { NamedWeight } from '../../framework/model/Module.ts';
import type { Random } from '../../framework/random/Random.ts';
import { DenseLayer } from '../attention/DenseLayer.ts';

/**
 * A 1-D convolution over word vectors with 'same' padding and ReLU, the text
 * CNN of NAML and LSTUR (Kim 2014 style, one window size). Computed as a dense
 * layer over the concatenated vectors of each window, because the wasm
 * backend of TensorFlow.js 4.22 has no Conv2DBackpropFilter kernel, which the
 * gradient of tf.conv1d needs. Weights: `dense.weight` [filters, window * inputSize].
 */
export class TextCnn {
  private constructor(
    readonly window: number,
    private readonly dense: DenseLayer,
  ) {}

  static create(inputSize: number, filters: number, window: number, random: Random): TextCnn {
    if (window % 2 === 0) {
      throw new Error(`the CNN window must be odd so that 'same' padding is symmetric, got ${window}`);
    }
    return new TextCnn(window, DenseLayer.create(window * inputSize, filters, random));
  }

  get filters(): number {
    return this.dense.outputSize;
  }

  /** x [batch, length, inputSize] to ReLU features [batch, length, filters]. */
  apply(x: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const [, length] = x.shape;
      const half = (this.window - 1) / 2;
      const padded = tf.pad(x, [
        [0, 0],
        [half, half],
        [0, 0],
      ]);
      const windows = Array.from({ length: this.window }, (_, offset) => tf.slice(padded, [0, offset, 0], [-1, length, -1]));
      return tf.relu(this.dense.apply(tf.concat(windows, 2) as tf.Tensor3D));
    });
  }

  weights(): NamedWeight[] {
    return this.dense.weights().map(({ name, variable }) => ({ name: `dense.${name}`, variable }));
  }

  clone(): TextCnn {
    return new TextCnn(this.window, this.dense.clone());
  }

  dispose(): void {
    this.dense.dispose();
  }
}
