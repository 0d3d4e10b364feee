import * as tf from '@tensorflow/tfjs';
import type { NamedWeight } from '../../framework/model/Module.ts';
import { AdditiveAttentionLayer } from '../pooling/AdditiveAttentionLayer.ts';
import type { UserEncoder, UserEncoderContext } from './UserEncoder.ts';

/**
 * User encoder of the Tiny-NewsRec authors' model_bert.py (UserEncoder without
 * NRMS self-attention): padded history slots are replaced by a learned pad
 * vector, then additive attention pools the history into the user vector.
 * With `maskPadding` the padded slots are also excluded from the attention,
 * so the pad vector only matters for users without any click (whose user
 * vector is then the pad vector).
 */
export class AttentionUserEncoder implements UserEncoder {
  constructor(
    private readonly attention: AdditiveAttentionLayer,
    private readonly padVector: tf.Variable<tf.Rank.R1>,
    readonly maskPadding: boolean,
  ) {}

  /** The pad vector starts uniform in [-1, 1], as the authors' pad_doc parameter does. */
  static create(querySize: number, maskPadding: boolean, context: UserEncoderContext): AttentionUserEncoder {
    const random = context.random;
    return new AttentionUserEncoder(
      AdditiveAttentionLayer.create(context.newsSize, querySize, random.fork('attention')),
      tf.variable(tf.randomUniform([context.newsSize], -1, 1, 'float32', random.seed())),
      maskPadding,
    );
  }

  encode(history: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const keep = tf.expandDims(tf.cast(mask, 'float32'), 2);
      const filled = tf.add(tf.mul(history, keep), tf.mul(tf.sub(1, keep), this.padVector)) as tf.Tensor3D;
      const attentionMask = this.maskPadding ? mask : tf.onesLike(mask);
      return this.attention.apply(filled, attentionMask);
    });
  }

  weights(): NamedWeight[] {
    return [...this.attention.weights().map(({ name, variable }) => ({ name: `attention.${name}`, variable })), { name: 'pad_vector', variable: this.padVector }];
  }

  trainableWeights(): NamedWeight[] {
    return this.weights();
  }

  clone(): AttentionUserEncoder {
    return new AttentionUserEncoder(this.attention.clone(), tf.variable(this.padVector), this.maskPadding);
  }

  dispose(): void {
    this.attention.dispose();
    this.padVector.dispose();
  }
}
