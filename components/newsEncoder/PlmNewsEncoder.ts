import * as tf from '@tensorflow/tfjs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { assignWeights } from '../../framework/checkpoint/assignWeights.ts';
import { readSafetensors } from '../../framework/checkpoint/readSafetensors.ts';
import { writeSafetensors, type TensorToWrite } from '../../framework/checkpoint/writeSafetensors.ts';
import type { NamedWeight } from '../../framework/model/Module.ts';
import type { Random } from '../../framework/random/Random.ts';
import type { Backbone, Trainability } from '../backbone/Backbone.ts';
import type { BertContext } from '../backbone/bert.ts';
import { linear } from '../backbone/linear.ts';
import type { Pooling, PoolingContext } from '../pooling/Pooling.ts';
import type { Tokenizer } from '../tokenizer/Tokenizer.ts';
import { encodeTokenRows } from './encodeTokenRows.ts';
import type { NewsInput, TokenBatch, TransformerNewsEncoder } from './NewsEncoder.ts';
import type { PlmContext, PlmSettings } from './plm.ts';

/** File with the pooling and projection weights, next to the backbone's model.safetensors. */
export const NEWS_ENCODER_WEIGHTS_FILE = 'news-encoder.safetensors';

function prefixed(prefix: string, weights: NamedWeight[]): NamedWeight[] {
  return weights.map(({ name, variable }) => ({ name: prefix + name, variable }));
}

/** Backbone, pooling and a dense layer from the pooled state to the news vector. */
export class PlmNewsEncoder implements TransformerNewsEncoder {
  readonly outputSize: number;

  constructor(
    readonly tokenizer: Tokenizer,
    readonly backbone: Backbone,
    readonly pooling: Pooling,
    /** Projection weight [outputSize, hiddenSize] in nn.Linear layout, and its bias. */
    private readonly projectionWeight: tf.Variable<tf.Rank.R2>,
    private readonly projectionBias: tf.Variable<tf.Rank.R1>,
  ) {
    this.outputSize = projectionWeight.shape[0];
  }

  /** A projection initialised like PyTorch nn.Linear (uniform in +-1/sqrt(fan_in)), as the authors' dense layer is. */
  static createProjection(inputSize: number, outputSize: number, random: Random): [tf.Variable<tf.Rank.R2>, tf.Variable<tf.Rank.R1>] {
    const bound = 1 / Math.sqrt(inputSize);
    return [
      tf.variable(tf.randomUniform([outputSize, inputSize], -bound, bound, 'float32', random.seed())),
      tf.variable(tf.randomUniform([outputSize], -bound, bound, 'float32', random.seed())),
    ];
  }

  encode(tokens: TokenBatch, training: boolean): tf.Tensor2D {
    return tf.tidy(() => {
      const states = this.backbone.apply(tokens.inputIds, tokens.attentionMask, training);
      return this.poolAndProject(states, tokens.attentionMask, training);
    });
  }

  encodeNews(input: NewsInput, training: boolean): tf.Tensor2D {
    return encodeTokenRows(input, (tokens) => this.encode(tokens, training));
  }

  encodeFromLower(lowerStates: tf.Tensor3D, attentionMask: tf.Tensor2D, training: boolean): tf.Tensor2D {
    return tf.tidy(() => {
      const states = this.backbone.applyUpper(lowerStates, attentionMask, training);
      return this.poolAndProject(states, attentionMask, training);
    });
  }

  private poolAndProject(states: tf.Tensor3D, attentionMask: tf.Tensor2D, training: boolean): tf.Tensor2D {
    const pooled = this.pooling.apply(states, attentionMask, training);
    return linear(pooled, this.projectionWeight, this.projectionBias);
  }

  setTrainable(trainable: Trainability): void {
    this.backbone.setTrainable(trainable);
  }

  /** Pooling and projection weights, named as in news-encoder.safetensors. */
  headWeights(): NamedWeight[] {
    return [
      ...prefixed('pooling.', this.pooling.weights()),
      { name: 'projection.weight', variable: this.projectionWeight },
      { name: 'projection.bias', variable: this.projectionBias },
    ];
  }

  weights(): NamedWeight[] {
    return [...prefixed('backbone.', this.backbone.weights()), ...this.headWeights()];
  }

  trainableWeights(): NamedWeight[] {
    return [
      ...prefixed('backbone.', this.backbone.trainableWeights()),
      ...prefixed('pooling.', this.pooling.trainableWeights()),
      { name: 'projection.weight', variable: this.projectionWeight },
      { name: 'projection.bias', variable: this.projectionBias },
    ];
  }

  /**
   * Writes the backbone as a Hugging Face checkpoint (config.json,
   * model.safetensors), the tokenizer files, and the pooling and projection
   * weights to news-encoder.safetensors. loadPlmNewsEncoder reads it back.
   */
  async save(directory: string): Promise<void> {
    await mkdir(directory, { recursive: true });
    await this.backbone.save(directory);
    await this.tokenizer.save(directory);
    const head = new Map<string, TensorToWrite>();
    for (const { name, variable } of this.headWeights()) {
      head.set(name, { shape: variable.shape, values: (await variable.data()) as Float32Array });
    }
    await writeSafetensors(join(directory, NEWS_ENCODER_WEIGHTS_FILE), head);
  }

  clone(): PlmNewsEncoder {
    return new PlmNewsEncoder(
      this.tokenizer,
      this.backbone.clone(),
      this.pooling.clone(),
      tf.variable(this.projectionWeight),
      tf.variable(this.projectionBias),
    );
  }

  dispose(): void {
    this.backbone.dispose();
    this.pooling.dispose();
    this.projectionWeight.dispose();
    this.projectionBias.dispose();
  }
}

/** Builds the backbone and pooling through the registry, so plug-in backbones and poolings work too. */
export async function createPlmNewsEncoder(settings: PlmSettings, context: PlmContext): Promise<PlmNewsEncoder> {
  const { registry, tokenizer, random } = context;
  const backboneContext: BertContext = {
    vocabularySize: tokenizer.vocabSize,
    random: random.fork('backbone'),
    resolvePath: context.resolvePath,
    log: context.log,
  };
  const backbone = await registry.create<Backbone>('backbone', settings.backbone, backboneContext);
  const poolingContext: PoolingContext = { inputSize: backbone.hiddenSize, random: random.fork('pooling') };
  const pooling = await registry.create<Pooling>('pooling', settings.pooling, poolingContext);
  const [weight, bias] = PlmNewsEncoder.createProjection(backbone.hiddenSize, settings.outputSize, random.fork('projection'));
  return new PlmNewsEncoder(tokenizer, backbone, pooling, weight, bias);
}

/**
 * Loads a directory written by PlmNewsEncoder.save, given the settings the
 * encoder was built with. The backbone is read from the directory as a
 * checkpoint. Its layer selection is already applied, so `layers` and
 * `layerIndices` are dropped. Without `context.tokenizer`, the tokenizer is
 * loaded from the directory's WordPiece files.
 */
export async function loadPlmNewsEncoder(
  directory: string,
  settings: PlmSettings,
  context: Omit<PlmContext, 'tokenizer'> & { readonly tokenizer?: Tokenizer },
): Promise<PlmNewsEncoder> {
  const tokenizer =
    context.tokenizer ?? (await context.registry.create<Tokenizer>('tokenizer', { type: 'wordpiece', checkpoint: directory }, {
      texts: () => [],
      resolvePath: (path: string) => path,
    }));
  const { layers: _layers, layerIndices: _layerIndices, checkpoint: _checkpoint, ...backboneSettings } = settings.backbone;
  const encoder = await createPlmNewsEncoder(
    { ...settings, backbone: { ...backboneSettings, checkpoint: directory } },
    { ...context, tokenizer, resolvePath: (path: string) => path },
  );
  try {
    assignWeights(encoder.headWeights(), await readSafetensors(join(directory, NEWS_ENCODER_WEIGHTS_FILE)));
  } catch (error) {
    encoder.dispose();
    throw error;
  }
  return encoder;
}
