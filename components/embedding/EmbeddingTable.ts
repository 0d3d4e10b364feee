import * as tf from '@tensorflow/tfjs';
import type { NamedWeight } from '../../framework/model/Module.ts';
import type { Random } from '../../framework/random/Random.ts';
import type { Tokenizer } from '../tokenizer/Tokenizer.ts';
import { readCheckpointEmbeddings, readGloveVectors } from './loadWordVectors.ts';
import type { WordEmbeddingSettings } from './wordEmbeddingSettings.ts';

/** Context of a word embedding table: the tokenizer whose ids it covers, a seed source and the recipe paths. */
export interface WordEmbeddingContext {
  readonly tokenizer: Tokenizer;
  readonly random: Random;
  readonly resolvePath: (path: string) => string;
  readonly log: (message: string) => void;
}

/**
 * A lookup table from ids (tokens, categories, users) to vectors, weight
 * `weight` [rows, size]. Rows start uniform in +-0.05, the Keras Embedding default.
 */
export class EmbeddingTable {
  private constructor(
    private readonly table: tf.Variable<tf.Rank.R2>,
    readonly trainable: boolean,
  ) {}

  get size(): number {
    return this.table.shape[1];
  }

  static random(rows: number, size: number, random: Random, trainable = true): EmbeddingTable {
    return new EmbeddingTable(tf.variable(tf.randomUniform([rows, size], -0.05, 0.05, 'float32', random.seed()), trainable), trainable);
  }

  /**
   * Builds a word table over the tokenizer's vocabulary: random rows, replaced
   * by the checkpoint's input embeddings or the GloVe vectors when the settings
   * name them.
   */
  static async words(settings: WordEmbeddingSettings, context: WordEmbeddingContext): Promise<EmbeddingTable> {
    const { tokenizer } = context;
    const { size } = settings;
    const initial = EmbeddingTable.random(tokenizer.vocabSize, size, context.random, settings.trainable);
    if (settings.checkpoint === undefined && settings.glove === undefined) {
      return initial;
    }
    let values = initial.table.dataSync() as Float32Array;
    initial.dispose();
    if (settings.checkpoint !== undefined) {
      values = await readCheckpointEmbeddings(context.resolvePath(settings.checkpoint), tokenizer.vocabSize, size);
      context.log(`word embeddings: ${tokenizer.vocabSize} vectors from ${settings.checkpoint}`);
    }
    if (settings.glove !== undefined) {
      const vocabulary = vocabularyOf(tokenizer);
      const found = await readGloveVectors(context.resolvePath(settings.glove), vocabulary, values, size);
      context.log(`word embeddings: ${found} of ${vocabulary.length} tokens found in ${settings.glove}; the others start at random`);
    }
    const table = tf.variable(tf.tensor2d(values, [tokenizer.vocabSize, size]), settings.trainable);
    return new EmbeddingTable(table, settings.trainable);
  }

  /** ids [batch, length] to vectors [batch, length, size], or ids [batch] to [batch, size]. */
  apply<T extends tf.Tensor>(ids: tf.Tensor): T {
    return tf.gather(this.table, ids) as unknown as T;
  }

  weights(): NamedWeight[] {
    return [{ name: 'weight', variable: this.table }];
  }

  trainableWeights(): NamedWeight[] {
    return this.trainable ? this.weights() : [];
  }

  clone(): EmbeddingTable {
    return new EmbeddingTable(tf.variable(this.table, this.trainable), this.trainable);
  }

  dispose(): void {
    this.table.dispose();
  }
}

/** Returns the token of each id, which GloVe entries are matched against. */
function vocabularyOf(tokenizer: Tokenizer): readonly string[] {
  const vocabulary = (tokenizer as { readonly vocabulary?: readonly string[] }).vocabulary;
  if (vocabulary === undefined) {
    throw new Error('wordEmbedding.glove needs a tokenizer that exposes its vocabulary (the wordpiece tokenizer does)');
  }
  return vocabulary;
}
