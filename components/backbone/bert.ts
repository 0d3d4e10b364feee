import { Type, type Static } from '@sinclair/typebox';
import { defineComponent } from '../../framework/registry/ComponentDefinition.ts';
import type { Random } from '../../framework/random/Random.ts';
import type { Backbone } from './Backbone.ts';

/** Context of the bert factory, passed by the news encoder that builds it. */
export interface BertContext {
  /** Vocabulary size of the tokenizer; sizes the word embeddings of a randomly initialised backbone. */
  readonly vocabularySize: number;
  readonly random: Random;
  readonly resolvePath: (path: string) => string;
  readonly log: (message: string) => void;
}

// Architecture settings have no schema default: with a checkpoint they come from its
// config.json, without one from Hugging Face BertConfig. resolveBertConfig applies them.
const positiveInteger = (description: string) => Type.Optional(Type.Integer({ minimum: 1, description }));
const probability = (description: string) => Type.Optional(Type.Number({ minimum: 0, exclusiveMaximum: 1, description }));

export const bertSettings = Type.Object({
  checkpoint: Type.Optional(
    Type.String({
      description:
        'Hugging Face checkpoint directory with config.json and model.safetensors, or hf:org/name[@revision] to read a model from the local Hugging Face Hub cache ($HF_HUB_CACHE, $HF_HOME/hub or ~/.cache/huggingface/hub; nothing is downloaded). Without it the backbone starts from random weights.',
    }),
  ),
  hiddenSize: positiveInteger('Width of token states (hidden_size). Default: the checkpoint\'s, else 768 (Hugging Face BertConfig).'),
  layers: positiveInteger(
    'Transformer layers (num_hidden_layers). With a checkpoint, keeps its first N layers. Default: the checkpoint\'s, else 12 (BertConfig).',
  ),
  layerIndices: Type.Optional(
    Type.Array(Type.Integer({ minimum: 0 }), {
      minItems: 1,
      description: 'With a checkpoint: the checkpoint layers (0-based) to keep, in order, e.g. [1, 3, 5] for every second layer of six.',
    }),
  ),
  heads: positiveInteger('Attention heads per layer (num_attention_heads). Default: the checkpoint\'s, else 12 (BertConfig).'),
  intermediateSize: positiveInteger('Width of the feed-forward layer (intermediate_size). Default: the checkpoint\'s, else 3072 (BertConfig).'),
  maxPositions: positiveInteger('Number of position embeddings (max_position_embeddings). Default: the checkpoint\'s, else 512 (BertConfig).'),
  typeVocabularySize: positiveInteger('Number of token-type embeddings (type_vocab_size). Default: the checkpoint\'s, else 2 (BertConfig).'),
  hiddenAct: Type.Optional(
    Type.Union([Type.Literal('gelu'), Type.Literal('gelu_new'), Type.Literal('gelu_pytorch_tanh'), Type.Literal('relu')], {
      description: 'Feed-forward activation (hidden_act): gelu is exact GELU, gelu_new its tanh approximation. Default: the checkpoint\'s, else gelu (BertConfig).',
    }),
  ),
  layerNormEps: Type.Optional(
    Type.Number({ exclusiveMinimum: 0, description: 'LayerNorm epsilon (layer_norm_eps). Default: the checkpoint\'s, else 1e-12 (BertConfig).' }),
  ),
  hiddenDropout: probability('Dropout on embeddings and layer outputs (hidden_dropout_prob). Default: the checkpoint\'s, else 0.1 (BertConfig).'),
  attentionDropout: probability('Dropout on attention probabilities (attention_probs_dropout_prob). Default: the checkpoint\'s, else 0.1 (BertConfig).'),
  trainableLayers: Type.Optional(
    Type.Integer({ minimum: 0, description: 'Number of top layers that train until a stage changes it. Default: all layers.' }),
  ),
  trainEmbeddings: Type.Optional(
    Type.Boolean({
      description:
        'Whether the embeddings train. Default: false with a checkpoint (pre-trained embeddings are kept, and the frozen lower part can be cached), true for random weights (they have to learn).',
    }),
  ),
});

export type BertSettings = Static<typeof bertSettings>;

/** BERT-family transformer encoder with Hugging Face BertModel weights. */
export const bert = defineComponent({
  kind: 'backbone',
  name: 'bert',
  description: 'BERT-family transformer (Hugging Face BertModel layout) from a checkpoint or random weights',
  settings: bertSettings,
  async create(settings, context: BertContext): Promise<Backbone> {
    const { createBertBackbone } = await import('./createBertBackbone.ts');
    return createBertBackbone(settings, context);
  },
});
