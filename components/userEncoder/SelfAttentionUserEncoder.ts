import * as tf from '@tensorflow/tfjs';
import type { NamedWeight } from '../../framework/model/Module.ts';
import { prefixWeights } from '../attention/DenseLayer.ts';
import { MultiHeadSelfAttention } from '../attention/MultiHeadSelfAttention.ts';
import { AdditiveAttentionLayer } from '../pooling/AdditiveAttentionLayer.ts';
import type { UserEncoder, UserEncoderContext } from './UserEncoder.ts';
import type { SelfAttentionUserSettings } from './selfAttention.ts';

/**
 * The NRMS user encoder (Wu et al., EMNLP 2019): multi-head self-attention
 * over the clicked news vectors, then additive attention into the user
 * vector. Padded history slots are masked in both attentions.
 */
export class SelfAttentionUserEncoder implements UserEncoder {
  private constructor(
    private readonly selfAttention: MultiHeadSelfAttention,
    private readonly attention: AdditiveAttentionLayer,
  ) {}

  static create(settings: SelfAttentionUserSettings, context: UserEncoderContext): SelfAttentionUserEncoder {
    const width = settings.heads * settings.headSize;
    if (width !== context.newsSize) {
      throw new Error(
        `user encoder multi-head-self-attention: heads x headSize is ${settings.heads} x ${settings.headSize} = ${width}, but news vectors have ${context.newsSize} values; the click predictor needs both equal`,
      );
    }
    const { random } = context;
    return new SelfAttentionUserEncoder(
      MultiHeadSelfAttention.create(context.newsSize, settings.heads, settings.headSize, random.fork('self-attention')),
      AdditiveAttentionLayer.create(width, settings.queryVectorSize, random.fork('attention')),
    );
  }

  encode(history: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.attention.apply(this.selfAttention.apply(history, mask), mask));
  }

  weights(): NamedWeight[] {
    return [...prefixWeights('self_attention', this.selfAttention.weights()), ...prefixWeights('attention', this.attention.weights())];
  }

  trainableWeights(): NamedWeight[] {
    return this.weights();
  }

  clone(): SelfAttentionUserEncoder {
    return new SelfAttentionUserEncoder(this.selfAttention.clone(), this.attention.clone());
  }

  dispose(): void {
    this.selfAttention.dispose();
    this.attention.dispose();
  }
}
