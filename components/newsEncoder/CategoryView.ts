import * as tf from '@tensorflow/tfjs';
import type { NamedWeight } from '../../framework/model/Module.ts';
import type { Random } from '../../framework/random/Random.ts';
import { DenseLayer, prefixWeights } from '../attention/DenseLayer.ts';
import { EmbeddingTable } from '../embedding/EmbeddingTable.ts';

/**
 * NAML's category (or subcategory) view: an embedding of the label id and a
 * dense layer with ReLU to the width of the text views.
 */
export class CategoryView {
  private constructor(
    private readonly embedding: EmbeddingTable,
    private readonly dense: DenseLayer,
  ) {}

  static create(labelCount: number, embeddingSize: number, outputSize: number, random: Random): CategoryView {
    return new CategoryView(
      EmbeddingTable.random(labelCount, embeddingSize, random.fork('embedding')),
      DenseLayer.create(embeddingSize, outputSize, random.fork('dense')),
    );
  }

  /** Label ids [batch] to [batch, outputSize]. */
  apply(ids: tf.Tensor1D): tf.Tensor2D {
    return tf.tidy(() => tf.relu(this.dense.apply(this.embedding.apply<tf.Tensor2D>(ids))));
  }

  weights(): NamedWeight[] {
    return [...prefixWeights('embedding', this.embedding.weights()), ...prefixWeights('dense', this.dense.weights())];
  }

  clone(): CategoryView {
    return new CategoryView(this.embedding.clone(), this.dense.clone());
  }

  dispose(): void {
    this.embedding.dispose();
    this.dense.dispose();
  }
}
