import * as tf from '@tensorflow/tfjs';
import type { NamedWeight } from '../../framework/model/Module.ts';
import type { NewsInput } from '../../framework/model/NewsFeatures.ts';
import { prefixWeights } from '../attention/DenseLayer.ts';
import { EmbeddingTable } from '../embedding/EmbeddingTable.ts';
import { AttentiveTextView } from '../textEncoder/AttentiveTextView.ts';
import type { Tokenizer } from '../tokenizer/Tokenizer.ts';
import { labelTensor, tokenTensors } from './articleTensors.ts';
import type { CnnNewsSettings } from './cnn.ts';
import type { NewsEncoder, NewsEncoderContext } from './NewsEncoder.ts';
import { saveEncoderWeights } from './saveEncoderWeights.ts';

/**
 * The LSTUR news encoder (An et al., "Neural News Recommendation with Long- and
 * Short-term User Representations", ACL 2019): a CNN with additive attention
 * over the title's word vectors, concatenated with topic (category) and
 * subtopic (subcategory) embeddings when `categoryEmbeddingSize` is above 0.
 */
export class CnnNewsEncoder implements NewsEncoder {
  private constructor(
    readonly tokenizer: Tokenizer,
    private readonly words: EmbeddingTable,
    private readonly title: AttentiveTextView,
    private readonly categories: readonly [EmbeddingTable, EmbeddingTable] | undefined,
  ) {}

  static async create(settings: CnnNewsSettings, context: NewsEncoderContext): Promise<CnnNewsEncoder> {
    const { random } = context;
    const words = await EmbeddingTable.words(settings.wordEmbedding, { ...context, random: random.fork('words') });
    const title = AttentiveTextView.create(
      {
        inputSize: words.size,
        filters: settings.filters,
        window: settings.window,
        querySize: settings.queryVectorSize,
        dropout: settings.dropout,
      },
      random.fork('title'),
    );
    const size = settings.categoryEmbeddingSize;
    const categories =
      size > 0
        ? ([
            EmbeddingTable.random(context.categoryCount, size, random.fork('category')),
            EmbeddingTable.random(context.subcategoryCount, size, random.fork('subcategory')),
          ] as const)
        : undefined;
    return new CnnNewsEncoder(context.tokenizer, words, title, categories);
  }

  get outputSize(): number {
    const categorySize = this.categories === undefined ? 0 : this.categories[0].size + this.categories[1].size;
    return this.title.outputSize + categorySize;
  }

  encodeNews(input: NewsInput, training: boolean): tf.Tensor2D {
    return tf.tidy(() => {
      const tokens = tokenTensors(input.features, input.field, input.length, input.rows);
      const title = this.title.apply(this.words.apply<tf.Tensor3D>(tokens.inputIds), tokens.attentionMask, training);
      if (this.categories === undefined) {
        return title;
      }
      const [category, subcategory] = this.categories;
      return tf.concat(
        [
          title,
          category.apply<tf.Tensor2D>(labelTensor(input.features.categories, input.rows)),
          subcategory.apply<tf.Tensor2D>(labelTensor(input.features.subcategories, input.rows)),
        ],
        1,
      );
    });
  }

  private categoryWeights(): NamedWeight[] {
    if (this.categories === undefined) {
      return [];
    }
    return [...prefixWeights('category', this.categories[0].weights()), ...prefixWeights('subcategory', this.categories[1].weights())];
  }

  weights(): NamedWeight[] {
    return [...prefixWeights('word_embeddings', this.words.weights()), ...prefixWeights('title', this.title.weights()), ...this.categoryWeights()];
  }

  trainableWeights(): NamedWeight[] {
    return [
      ...prefixWeights('word_embeddings', this.words.trainableWeights()),
      ...prefixWeights('title', this.title.weights()),
      ...this.categoryWeights(),
    ];
  }

  save(directory: string): Promise<void> {
    return saveEncoderWeights(directory, this.tokenizer, this.weights());
  }

  clone(): CnnNewsEncoder {
    const categories = this.categories === undefined ? undefined : ([this.categories[0].clone(), this.categories[1].clone()] as const);
    return new CnnNewsEncoder(this.tokenizer, this.words.clone(), this.title.clone(), categories);
  }

  dispose(): void {
    this.words.dispose();
    this.title.dispose();
    this.categories?.forEach((table) => table.dispose());
  }
}
