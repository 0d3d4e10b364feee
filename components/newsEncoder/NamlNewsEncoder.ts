import * as tf from '@tensorflow/tfjs';
import type { NamedWeight } from '../../framework/model/Module.ts';
import type { NewsInput } from '../../framework/model/NewsFeatures.ts';
import { prefixWeights } from '../attention/DenseLayer.ts';
import { EmbeddingTable } from '../embedding/EmbeddingTable.ts';
import { AdditiveAttentionLayer } from '../pooling/AdditiveAttentionLayer.ts';
import { AttentiveTextView } from '../textEncoder/AttentiveTextView.ts';
import type { Tokenizer } from '../tokenizer/Tokenizer.ts';
import { labelTensor, tokenTensors } from './articleTensors.ts';
import { CategoryView } from './CategoryView.ts';
import type { NewsEncoder, NewsEncoderContext } from './NewsEncoder.ts';
import type { NamlNewsSettings } from './naml.ts';
import { saveEncoderWeights } from './saveEncoderWeights.ts';

/**
 * The NAML news encoder (Wu et al., "Neural News Recommendation with Attentive
 * Multi-View Learning", IJCAI 2019): a title view and an abstract view (CNN
 * and additive attention over shared word embeddings), a category and a
 * subcategory view, fused by additive attention over the four view vectors.
 * The title view reads the stage's text field, so on the body side of
 * post-training it reads the abstract twice.
 */
export class NamlNewsEncoder implements NewsEncoder {
  private constructor(
    readonly tokenizer: Tokenizer,
    private readonly abstractLength: number,
    private readonly words: EmbeddingTable,
    private readonly title: AttentiveTextView,
    private readonly body: AttentiveTextView,
    private readonly category: CategoryView,
    private readonly subcategory: CategoryView,
    private readonly fusion: AdditiveAttentionLayer,
  ) {}

  static async create(settings: NamlNewsSettings, context: NewsEncoderContext): Promise<NamlNewsEncoder> {
    const { random } = context;
    const words = await EmbeddingTable.words(settings.wordEmbedding, { ...context, random: random.fork('words') });
    const shape = {
      inputSize: words.size,
      filters: settings.filters,
      window: settings.window,
      querySize: settings.queryVectorSize,
      dropout: settings.dropout,
    };
    return new NamlNewsEncoder(
      context.tokenizer,
      settings.abstractLength,
      words,
      AttentiveTextView.create(shape, random.fork('title')),
      AttentiveTextView.create(shape, random.fork('abstract')),
      CategoryView.create(context.categoryCount, settings.categoryEmbeddingSize, settings.filters, random.fork('category')),
      CategoryView.create(context.subcategoryCount, settings.categoryEmbeddingSize, settings.filters, random.fork('subcategory')),
      AdditiveAttentionLayer.create(settings.filters, settings.queryVectorSize, random.fork('fusion')),
    );
  }

  get outputSize(): number {
    return this.title.outputSize;
  }

  encodeNews(input: NewsInput, training: boolean): tf.Tensor2D {
    return tf.tidy(() => {
      const { features, rows } = input;
      const titleTokens = tokenTensors(features, input.field, input.length, rows);
      const bodyTokens = tokenTensors(features, 'abstract', this.abstractLength, rows);
      const views = [
        this.title.apply(this.words.apply<tf.Tensor3D>(titleTokens.inputIds), titleTokens.attentionMask, training),
        this.body.apply(this.words.apply<tf.Tensor3D>(bodyTokens.inputIds), bodyTokens.attentionMask, training),
        this.category.apply(labelTensor(features.categories, rows)),
        this.subcategory.apply(labelTensor(features.subcategories, rows)),
      ];
      const stacked = tf.stack(views, 1) as tf.Tensor3D;
      return this.fusion.apply(stacked, tf.ones([rows.length, views.length]));
    });
  }

  private parts(): [string, { weights(): NamedWeight[] }][] {
    return [
      ['title', this.title],
      ['abstract', this.body],
      ['category', this.category],
      ['subcategory', this.subcategory],
      ['fusion', this.fusion],
    ];
  }

  weights(): NamedWeight[] {
    return [...prefixWeights('word_embeddings', this.words.weights()), ...this.parts().flatMap(([name, part]) => prefixWeights(name, part.weights()))];
  }

  trainableWeights(): NamedWeight[] {
    return [
      ...prefixWeights('word_embeddings', this.words.trainableWeights()),
      ...this.parts().flatMap(([name, part]) => prefixWeights(name, part.weights())),
    ];
  }

  save(directory: string): Promise<void> {
    return saveEncoderWeights(directory, this.tokenizer, this.weights());
  }

  clone(): NamlNewsEncoder {
    return new NamlNewsEncoder(
      this.tokenizer,
      this.abstractLength,
      this.words.clone(),
      this.title.clone(),
      this.body.clone(),
      this.category.clone(),
      this.subcategory.clone(),
      this.fusion.clone(),
    );
  }

  dispose(): void {
    this.words.dispose();
    this.title.dispose();
    this.body.dispose();
    this.category.dispose();
    this.subcategory.dispose();
    this.fusion.dispose();
  }
}
