import * as tf from '@tensorflow/tfjs';
import type { NamedWeight } from '../../framework/model/Module.ts';
import type { Random } from '../../framework/random/Random.ts';
import { linear } from '../backbone/linear.ts';
import { maskedSoftmax, weightedSum } from './maskedSoftmax.ts';

/**
 * Additive attention pooling (NRMS, Wu et al. 2019; AttentionPooling of the
 * Tiny-NewsRec authors' model_bert.py): score_t = q . tanh(W h_t + b), weights
 * are the softmax of the scores over unmasked positions, and the output is the
 * weighted sum of the h_t. Weights are named `dense.weight` [querySize, inputSize],
 * `dense.bias` and `query` [querySize].
 *
 * The authors' second linear layer also has a bias; a constant added to every
 * score cancels in the softmax, so it is left out.
 */
export class AdditiveAttentionLayer {
  private constructor(
    private readonly dense: tf.Variable<tf.Rank.R2>,
    private readonly bias: tf.Variable<tf.Rank.R1>,
    private readonly query: tf.Variable<tf.Rank.R1>,
  ) {}

  /**
   * Starts from PyTorch nn.Linear's default initialisation, uniform in
   * +-1/sqrt(fan_in), which the authors' code keeps for these layers.
   */
  static create(inputSize: number, querySize: number, random: Random): AdditiveAttentionLayer {
    const denseBound = 1 / Math.sqrt(inputSize);
    const queryBound = 1 / Math.sqrt(querySize);
    return new AdditiveAttentionLayer(
      tf.variable(tf.randomUniform([querySize, inputSize], -denseBound, denseBound, 'float32', random.seed())),
      tf.variable(tf.randomUniform([querySize], -denseBound, denseBound, 'float32', random.seed())),
      tf.variable(tf.randomUniform([querySize], -queryBound, queryBound, 'float32', random.seed())),
    );
  }

  weights(): NamedWeight[] {
    return [
      { name: 'dense.weight', variable: this.dense },
      { name: 'dense.bias', variable: this.bias },
      { name: 'query', variable: this.query },
    ];
  }

  /** vectors [batch, length, size] and mask [batch, length] to [batch, size]. */
  apply(vectors: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const [batch, length, size] = vectors.shape;
      const flat = tf.reshape(vectors, [batch * length, size]) as tf.Tensor2D;
      const hidden = tf.tanh(linear(flat, this.dense, this.bias));
      const scores = tf.reshape(tf.matMul(hidden, tf.reshape(this.query, [-1, 1])), [batch, length]) as tf.Tensor2D;
      return weightedSum(vectors, maskedSoftmax(scores, mask));
    });
  }

  clone(): AdditiveAttentionLayer {
    return new AdditiveAttentionLayer(tf.variable(this.dense), tf.variable(this.bias), tf.variable(this.query));
  }

  dispose(): void {
    this.dense.dispose();
    this.bias.dispose();
    this.query.dispose();
  }
}
