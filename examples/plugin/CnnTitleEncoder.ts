import * as tf from '@tensorflow/tfjs';
import type { NamedWeight, NewsEncoder, NewsEncoderContext, NewsInput, Random, Tokenizer } from '../../framework/plugins/api.ts';
import { dropout, EmbeddingTable, prefixWeights, saveEncoderWeights, TextCnn, tokenTensors } from '../../framework/plugins/layers.ts';
import type { CnnTitleSettings } from './cnnTitle.ts';

/** Word vectors, a ReLU CNN and the maximum of each filter over the real title positions. */
export class CnnTitleEncoder implements NewsEncoder {
  private constructor(
    readonly tokenizer: Tokenizer,
    private readonly words: EmbeddingTable,
    private readonly cnn: TextCnn,
    private readonly dropoutRate: number,
    private readonly random: Random,
  ) {}

  static async create(settings: CnnTitleSettings, context: NewsEncoderContext): Promise<CnnTitleEncoder> {
    const words = await EmbeddingTable.words(settings.wordEmbedding, context);
    const cnn = TextCnn.create(words.size, settings.filters, settings.window, context.random.fork('cnn'));
    return new CnnTitleEncoder(context.tokenizer, words, cnn, settings.dropout, context.random.fork('dropout'));
  }

  get outputSize(): number {
    return this.cnn.filters;
  }

  encodeNews(input: NewsInput, training: boolean): tf.Tensor2D {
    return tf.tidy(() => {
      const tokens = tokenTensors(input.features, input.field, input.length, input.rows);
      const vectors = dropout(this.words.apply<tf.Tensor3D>(tokens.inputIds), this.dropoutRate, training, this.random);
      const features = this.cnn.apply(vectors);
      // ReLU outputs are >= 0, so zeroing the padded positions leaves every maximum unchanged.
      const real = tf.expandDims(tf.cast(tokens.attentionMask, 'float32'), 2);
      return tf.max(tf.mul(features, real), 1) as tf.Tensor2D;
    });
  }

  weights(): NamedWeight[] {
    return [...prefixWeights('word_embeddings', this.words.weights()), ...prefixWeights('cnn', this.cnn.weights())];
  }

  trainableWeights(): NamedWeight[] {
    return [...prefixWeights('word_embeddings', this.words.trainableWeights()), ...prefixWeights('cnn', this.cnn.weights())];
  }

  save(directory: string): Promise<void> {
    return saveEncoderWeights(directory, this.tokenizer, this.weights());
  }

  clone(): CnnTitleEncoder {
    return new CnnTitleEncoder(this.tokenizer, this.words.clone(), this.cnn.clone(), this.dropoutRate, this.random.fork('clone'));
  }

  dispose(): void {
    this.words.dispose();
    this.cnn.dispose();
  }
}
