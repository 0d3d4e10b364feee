import * as tf from '@tensorflow/tfjs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NamedWeight } from '../../framework/model/Module.ts';
import type { Random } from '../../framework/random/Random.ts';
import { writeSafetensors, type TensorToWrite } from '../../framework/checkpoint/writeSafetensors.ts';
import type { Backbone, Trainability } from './Backbone.ts';
import { gelu } from './gelu.ts';
import { layerNorm } from './layerNorm.ts';
import { linear } from './linear.ts';
import { bertConfigToJson, bertWeightShapes, type BertConfig } from './BertConfig.ts';

/** Added to attention scores of padded keys; exp() of it underflows to 0 like Hugging Face's finfo.min mask. */
const MASKED_SCORE = -1e9;

/** Initial weights of a BertModel as Hugging Face's BertPreTrainedModel._init_weights sets them. */
export function initialBertWeights(config: BertConfig, random: Random): Map<string, tf.Tensor> {
  const weights = new Map<string, tf.Tensor>();
  for (const [name, shape] of bertWeightShapes(config)) {
    let value: tf.Tensor;
    if (name.endsWith('LayerNorm.weight')) {
      value = tf.ones(shape);
    } else if (name.endsWith('.bias')) {
      value = tf.zeros(shape);
    } else {
      // Linear and embedding weights: normal(0, initializer_range).
      value = tf.randomNormal(shape, 0, config.initializerRange, 'float32', random.seed());
    }
    if (name === 'embeddings.word_embeddings.weight' && config.padTokenId < config.vocabSize) {
      // nn.Embedding(padding_idx=pad_token_id) starts with a zero padding row.
      const row = tf.oneHot([config.padTokenId], config.vocabSize).reshape([config.vocabSize, 1]);
      const zeroed = tf.mul(value, tf.sub(1, row));
      value.dispose();
      row.dispose();
      value = zeroed;
    }
    weights.set(name, value);
  }
  return weights;
}

/**
 * Hugging Face BertModel in TensorFlow.js: embeddings, post-LayerNorm
 * transformer layers and the pooler (kept for export, not used by apply).
 * Weights carry the Hugging Face names, so checkpoints load and save as-is.
 *
 * Frozen layers (below the top `trainable.layers`) run without dropout, so
 * applyLower is deterministic and its output can be cached. PyTorch applies
 * dropout in frozen layers too when the model is in training mode.
 */
export class BertBackbone implements Backbone {
  readonly hiddenSize: number;
  readonly layerCount: number;
  private readonly variables: Map<string, tf.Variable>;
  private trainable: Trainability;

  constructor(
    readonly bertConfig: BertConfig,
    initialWeights: ReadonlyMap<string, tf.Tensor>,
    trainable: Trainability,
    private readonly random: Random,
  ) {
    this.hiddenSize = bertConfig.hiddenSize;
    this.layerCount = bertConfig.layers;
    this.variables = new Map();
    for (const [name, shape] of bertWeightShapes(bertConfig)) {
      const value = initialWeights.get(name);
      if (value === undefined) {
        throw new Error(`BERT weight '${name}' [${shape.join(', ')}] is missing`);
      }
      this.variables.set(name, tf.variable(value, false));
    }
    this.trainable = trainable;
    this.setTrainable(trainable);
  }

  get config(): Record<string, unknown> {
    return bertConfigToJson(this.bertConfig);
  }

  /** Index of the lowest trainable layer; layers below it are frozen. */
  private get firstTrainableLayer(): number {
    return this.layerCount - this.trainable.layers;
  }

  get lowerIsFrozen(): boolean {
    return !this.trainable.embeddings;
  }

  get trainability(): Trainability {
    return this.trainable;
  }

  setTrainable(trainable: Trainability): void {
    if (!Number.isInteger(trainable.layers) || trainable.layers < 0) {
      throw new Error(`trainable layers must be a non-negative integer, got ${trainable.layers}`);
    }
    // A stage may ask for more trainable layers than a small student has; then all of them train.
    this.trainable = { layers: Math.min(trainable.layers, this.layerCount), embeddings: trainable.embeddings };
    for (const [name, variable] of this.variables) {
      variable.trainable = this.isTrainable(name);
    }
  }

  private isTrainable(name: string): boolean {
    if (name.startsWith('embeddings.')) return this.trainable.embeddings;
    const layer = /^encoder\.layer\.(\d+)\./.exec(name);
    if (layer !== null) return Number(layer[1]) >= this.firstTrainableLayer;
    // The pooler is not part of apply(), so training it would only waste optimiser state.
    return false;
  }

  weights(): NamedWeight[] {
    return [...this.variables].map(([name, variable]) => ({ name, variable }));
  }

  trainableWeights(): NamedWeight[] {
    return this.weights().filter((weight) => this.isTrainable(weight.name));
  }

  private weight(name: string): tf.Variable {
    return this.variables.get(name) as tf.Variable;
  }

  /** x [n, in] times the PyTorch-layout weight [out, in], plus bias. */
  private linear(x: tf.Tensor2D, prefix: string): tf.Tensor2D {
    return linear(x, this.weight(`${prefix}.weight`) as tf.Tensor2D, this.weight(`${prefix}.bias`) as tf.Tensor1D);
  }

  private layerNorm<T extends tf.Tensor>(x: T, prefix: string): T {
    const gain = this.weight(`${prefix}.weight`) as tf.Tensor1D;
    return layerNorm(x, gain, this.weight(`${prefix}.bias`) as tf.Tensor1D, this.bertConfig.layerNormEps);
  }

  private dropout<T extends tf.Tensor>(x: T, rate: number, active: boolean): T {
    return active && rate > 0 ? (tf.dropout(x, rate, undefined, this.random.seed()) as T) : x;
  }

  private activation(x: tf.Tensor2D): tf.Tensor2D {
    switch (this.bertConfig.hiddenAct) {
      case 'gelu':
        return gelu(x);
      case 'gelu_new':
      case 'gelu_pytorch_tanh': {
        // Tanh approximation (Hendrycks and Gimpel 2016), transformers' NewGELUActivation.
        const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
        return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
      }
      case 'relu':
        return tf.relu(x);
    }
  }

  private embed(inputIds: tf.Tensor2D, training: boolean): tf.Tensor3D {
    const [batch, length] = inputIds.shape;
    const { maxPositions, hiddenSize } = this.bertConfig;
    if (length > maxPositions) {
      throw new Error(`input length ${length} exceeds the backbone's ${maxPositions} position embeddings`);
    }
    const ids = inputIds.dtype === 'int32' ? inputIds : tf.cast(inputIds, 'int32');
    const words = tf.gather(this.weight('embeddings.word_embeddings.weight'), ids) as tf.Tensor3D;
    const positions = tf.slice(this.weight('embeddings.position_embeddings.weight'), [0, 0], [length, hiddenSize]);
    // Every token has token type 0: news texts are single segments.
    const tokenType = tf.slice(this.weight('embeddings.token_type_embeddings.weight'), [0, 0], [1, hiddenSize]);
    const summed = tf.add(tf.add(words, positions), tokenType) as tf.Tensor3D;
    const normalised = this.layerNorm(summed, 'embeddings.LayerNorm');
    return this.dropout(tf.reshape(normalised, [batch, length, hiddenSize]), this.bertConfig.hiddenDropout, training);
  }

  /** Additive attention bias [batch, 1, 1, length]: 0 for tokens, MASKED_SCORE for padding. */
  private attentionBias(attentionMask: tf.Tensor2D): tf.Tensor4D {
    const [batch, length] = attentionMask.shape;
    const mask = tf.cast(attentionMask, 'float32');
    return tf.reshape(tf.mul(tf.sub(1, mask), MASKED_SCORE), [batch, 1, 1, length]);
  }

  private transformerLayer(index: number, states: tf.Tensor3D, bias: tf.Tensor4D, training: boolean): tf.Tensor3D {
    const [batch, length, hidden] = states.shape;
    const { heads, hiddenDropout, attentionDropout } = this.bertConfig;
    const headSize = hidden / heads;
    const prefix = `encoder.layer.${index}`;
    const x = tf.reshape(states, [batch * length, hidden]) as tf.Tensor2D;

    const splitHeads = (projected: tf.Tensor2D): tf.Tensor4D =>
      tf.transpose(tf.reshape(projected, [batch, length, heads, headSize]), [0, 2, 1, 3]);
    const query = splitHeads(this.linear(x, `${prefix}.attention.self.query`));
    const key = splitHeads(this.linear(x, `${prefix}.attention.self.key`));
    const value = splitHeads(this.linear(x, `${prefix}.attention.self.value`));

    const scores = tf.add(tf.mul(tf.matMul(query, key, false, true), 1 / Math.sqrt(headSize)), bias);
    const probabilities = this.dropout(tf.softmax(scores), attentionDropout, training);
    const context = tf.reshape(tf.transpose(tf.matMul(probabilities, value), [0, 2, 1, 3]), [batch * length, hidden]);

    const attended = this.dropout(this.linear(context as tf.Tensor2D, `${prefix}.attention.output.dense`), hiddenDropout, training);
    const attentionOutput = this.layerNorm(tf.add(attended, x) as tf.Tensor2D, `${prefix}.attention.output.LayerNorm`);

    const intermediate = this.activation(this.linear(attentionOutput, `${prefix}.intermediate.dense`));
    const output = this.dropout(this.linear(intermediate, `${prefix}.output.dense`), hiddenDropout, training);
    const layerOutput = this.layerNorm(tf.add(output, attentionOutput), `${prefix}.output.LayerNorm`);
    return tf.reshape(layerOutput, [batch, length, hidden]);
  }

  apply(inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D, training: boolean): tf.Tensor3D {
    return tf.tidy(() => this.applyUpper(this.applyLower(inputIds, attentionMask, training), attentionMask, training));
  }

  applyLower(inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D, training = false): tf.Tensor3D {
    return tf.tidy(() => {
      const bias = this.attentionBias(attentionMask);
      let states = this.embed(inputIds, training && this.trainable.embeddings);
      for (let layer = 0; layer < this.firstTrainableLayer; layer++) {
        states = this.transformerLayer(layer, states, bias, false);
      }
      return states;
    });
  }

  applyUpper(lowerStates: tf.Tensor3D, attentionMask: tf.Tensor2D, training: boolean): tf.Tensor3D {
    return tf.tidy(() => {
      const bias = this.attentionBias(attentionMask);
      let states = lowerStates;
      for (let layer = this.firstTrainableLayer; layer < this.layerCount; layer++) {
        states = this.transformerLayer(layer, states, bias, training);
      }
      // With no trainable layer, return a copy so the caller can dispose it apart from lowerStates.
      return states === lowerStates ? tf.clone(states) : states;
    });
  }

  /** Values of every weight under its Hugging Face name. */
  async exportWeights(): Promise<Map<string, TensorToWrite>> {
    const tensors = new Map<string, TensorToWrite>();
    for (const [name, variable] of this.variables) {
      tensors.set(name, { shape: variable.shape, values: (await variable.data()) as Float32Array });
    }
    return tensors;
  }

  async save(directory: string): Promise<void> {
    await mkdir(directory, { recursive: true });
    await writeFile(join(directory, 'config.json'), JSON.stringify(this.config, null, 2) + '\n');
    await writeSafetensors(join(directory, 'model.safetensors'), await this.exportWeights());
  }

  clone(): BertBackbone {
    // tf.variable copies on write: the clone shares storage until either side is assigned.
    return new BertBackbone(this.bertConfig, this.variables, this.trainable, this.random.fork('clone'));
  }

  dispose(): void {
    for (const variable of this.variables.values()) variable.dispose();
    this.variables.clear();
  }
}
