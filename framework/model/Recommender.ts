import type * as tf from '@tensorflow/tfjs';
import type { ClickPredictor } from '../../components/clickPredictor/ClickPredictor.ts';
import type { NewsEncoder } from '../../components/newsEncoder/NewsEncoder.ts';
import type { Tokenizer } from '../../components/tokenizer/Tokenizer.ts';
import type { UserEncoder } from '../../components/userEncoder/UserEncoder.ts';
import type { ModelSpec } from '../spec/Recipe.ts';
import { NO_MODEL_ASSETS, type ModelAssets } from './ModelAssets.ts';
import type { Module, NamedWeight } from './Module.ts';

/**
 * A news recommender assembled from a recipe's `models:` entry: news encoder,
 * user encoder and click predictor. Stages pass these between each other.
 */
export class Recommender implements Module {
  constructor(
    /** Where the model came from, e.g. `teacher` or `post-train.snapshots[1]`. */
    readonly label: string,
    readonly spec: ModelSpec,
    readonly newsEncoder: NewsEncoder,
    readonly userEncoder: UserEncoder,
    readonly clickPredictor: ClickPredictor,
    /** Assets that saveRecommender stores besides the weights, so that the model loads elsewhere. */
    readonly assets: ModelAssets = NO_MODEL_ASSETS,
  ) {}

  get tokenizer(): Tokenizer {
    return this.newsEncoder.tokenizer;
  }

  weights(): NamedWeight[] {
    return [
      ...prefixed('news_encoder.', this.newsEncoder.weights()),
      ...prefixed('user_encoder.', this.userEncoder.weights()),
    ];
  }

  trainableWeights(): NamedWeight[] {
    return [
      ...prefixed('news_encoder.', this.newsEncoder.trainableWeights()),
      ...prefixed('user_encoder.', this.userEncoder.trainableWeights()),
    ];
  }

  /** Scores candidates [batch, count, size] for user vectors [batch, size]. */
  score(candidates: tf.Tensor3D, users: tf.Tensor2D): tf.Tensor2D {
    return this.clickPredictor.score(candidates, users);
  }

  /** An independent copy (weights copied) under a new label. */
  clone(label: string): Recommender {
    return new Recommender(label, this.spec, this.newsEncoder.clone(), this.userEncoder.clone(), this.clickPredictor, this.assets);
  }

  dispose(): void {
    this.newsEncoder.dispose();
    this.userEncoder.dispose();
  }
}

function prefixed(prefix: string, weights: NamedWeight[]): NamedWeight[] {
  return weights.map((weight) => ({ name: prefix + weight.name, variable: weight.variable }));
}
