import * as tf from '@tensorflow/tfjs';
import type { NamedWeight } from '../../framework/model/Module.ts';
import type { Random } from '../../framework/random/Random.ts';
import { linear } from '../backbone/linear.ts';

/** A dense layer in PyTorch nn.Linear layout: `weight` [outputSize, inputSize] and `bias` [outputSize]. */
export class DenseLayer {
  private constructor(
    private readonly weight: tf.Variable<tf.Rank.R2>,
    private readonly bias: tf.Variable<tf.Rank.R1>,
  ) {}

  /** Starts uniform in +-1/sqrt(inputSize), PyTorch nn.Linear's default. */
  static create(inputSize: number, outputSize: number, random: Random): DenseLayer {
    const bound = 1 / Math.sqrt(inputSize);
    return new DenseLayer(
      tf.variable(tf.randomUniform([outputSize, inputSize], -bound, bound, 'float32', random.seed())),
      tf.variable(tf.randomUniform([outputSize], -bound, bound, 'float32', random.seed())),
    );
  }

  get outputSize(): number {
    return this.weight.shape[0];
  }

  /** x [..., inputSize] to [..., outputSize]. */
  apply<T extends tf.Tensor>(x: T): T {
    return tf.tidy(() => {
      const inputSize = x.shape[x.shape.length - 1] as number;
      const flat = tf.reshape(x, [-1, inputSize]) as tf.Tensor2D;
      return tf.reshape(linear(flat, this.weight, this.bias), [...x.shape.slice(0, -1), this.outputSize]) as T;
    });
  }

  weights(): NamedWeight[] {
    return [
      { name: 'weight', variable: this.weight },
      { name: 'bias', variable: this.bias },
    ];
  }

  clone(): DenseLayer {
    return new DenseLayer(tf.variable(this.weight), tf.variable(this.bias));
  }

  dispose(): void {
    this.weight.dispose();
    this.bias.dispose();
  }
}

/** Weights of a part under `prefix.` names. */
export function prefixWeights(prefix: string, weights: readonly NamedWeight[]): NamedWeight[] {
  return weights.map(({ name, variable }) => ({ name: `${prefix}.${name}`, variable }));
}

/** Dropout with a seed from `random`, only while training. */
export function dropout<T extends tf.Tensor>(x: T, rate: number, training: boolean, random: Random): T {
  return training && rate > 0 ? (tf.dropout(x, rate, undefined, random.seed()) as T) : x;
}
