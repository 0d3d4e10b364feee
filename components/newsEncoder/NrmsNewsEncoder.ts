import * as tf from '@tensorflow/tfjs';
import type { NamedWeight } from '../../framework/model/Module.ts';
import type { NewsInput } from '../../framework/model/NewsFeatures.ts';
import type { Random } from '../../framework/random/Random.ts';
import { dropout, prefixWeights } from '../attention/DenseLayer.ts';
import { MultiHeadSelfAttention } from '../attention/MultiHeadSelfAttention.ts';
import { EmbeddingTable } from '../embedding/EmbeddingTable.ts';
import { AdditiveAttentionLayer } from '../pooling/AdditiveAttentionLayer.ts';
import type { Tokenizer } from '../tokenizer/Tokenizer.ts';
import { tokenTensors } from './articleTensors.ts';
import type { NewsEncoder, NewsEncoderContext } from './NewsEncoder.ts';
import type { NrmsNewsSettings } from './nrms.ts';
import { saveEncoderWeights } from './saveEncoderWeights.ts';

/**
 * The NRMS news encoder (Wu et al., EMNLP 2019): word embeddings, dropout,
 * multi-head self-attention over the words, dropout, and additive attention
 * into the news vector of heads * headSize.
 */
export class NrmsNewsEncoder implements NewsEncoder {
  private constructor(
    readonly tokenizer: Tokenizer,
    private readonly words: EmbeddingTable,
    private readonly selfAttention: MultiHeadSelfAttention,
    private readonly attention: AdditiveAttentionLayer,
    private readonly dropoutRate: number,
    private readonly random: Random,
  ) {}

  static async create(settings: NrmsNewsSettings, context: NewsEncoderContext): Promise<NrmsNewsEncoder> {
    const { random } = context;
    const words = await EmbeddingTable.words(settings.wordEmbedding, { ...context, random: random.fork('words') });
    const selfAttention = MultiHeadSelfAttention.create(words.size, settings.heads, settings.headSize, random.fork('self-attention'));
    const attention = AdditiveAttentionLayer.create(selfAttention.outputSize, settings.queryVectorSize, random.fork('attention'));
    return new NrmsNewsEncoder(context.tokenizer, words, selfAttention, attention, settings.dropout, random.fork('dropout'));
  }

  get outputSize(): number {
    return this.selfAttention.outputSize;
  }

  encodeNews(input: NewsInput, training: boolean): tf.Tensor2D {
    return tf.tidy(() => {
      const tokens = tokenTensors(input.features, input.field, input.length, input.rows);
      const vectors = dropout(this.words.apply<tf.Tensor3D>(tokens.inputIds), this.dropoutRate, training, this.random);
      const contextual = dropout(this.selfAttention.apply(vectors, tokens.attentionMask), this.dropoutRate, training, this.random);
      return this.attention.apply(contextual, tokens.attentionMask);
    });
  }

  weights(): NamedWeight[] {
    return [
      ...prefixWeights('word_embeddings', this.words.weights()),
      ...prefixWeights('self_attention', this.selfAttention.weights()),
      ...prefixWeights('attention', this.attention.weights()),
    ];
  }

  trainableWeights(): NamedWeight[] {
    return [
      ...prefixWeights('word_embeddings', this.words.trainableWeights()),
      ...prefixWeights('self_attention', this.selfAttention.weights()),
      ...prefixWeights('attention', this.attention.weights()),
    ];
  }

  save(directory: string): Promise<void> {
    return saveEncoderWeights(directory, this.tokenizer, this.weights());
  }

  clone(): NrmsNewsEncoder {
    return new NrmsNewsEncoder(
      this.tokenizer,
      this.words.clone(),
      this.selfAttention.clone(),
      this.attention.clone(),
      this.dropoutRate,
      this.random.fork('clone'),
    );
  }

  dispose(): void {
    this.words.dispose();
    this.selfAttention.dispose();
    this.attention.dispose();
  }
}
