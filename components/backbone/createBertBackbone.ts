import { BertBackbone, initialBertWeights } from './BertBackbone.ts';
import { BERT_CONFIG_DEFAULTS, type BertConfig } from './BertConfig.ts';
import type { BertContext, BertSettings } from './bert.ts';
import { resolveCheckpointReference } from '../../framework/hub/resolveHubReference.ts';
import { loadBertCheckpoint } from './loadBertCheckpoint.ts';

/** Settings that describe the architecture, by their config.json names. */
const ARCHITECTURE_SETTINGS = [
  ['hiddenSize', 'hidden_size'],
  ['heads', 'num_attention_heads'],
  ['intermediateSize', 'intermediate_size'],
  ['maxPositions', 'max_position_embeddings'],
  ['typeVocabularySize', 'type_vocab_size'],
  ['hiddenAct', 'hidden_act'],
  ['layerNormEps', 'layer_norm_eps'],
] as const;

/** Random-init architecture: explicit settings, else Hugging Face BertConfig defaults. */
export function resolveBertConfig(settings: BertSettings, vocabularySize: number): BertConfig {
  const defaults = BERT_CONFIG_DEFAULTS;
  const config: BertConfig = {
    ...defaults,
    vocabSize: vocabularySize,
    hiddenSize: settings.hiddenSize ?? defaults.hiddenSize,
    layers: settings.layers ?? defaults.layers,
    heads: settings.heads ?? defaults.heads,
    intermediateSize: settings.intermediateSize ?? defaults.intermediateSize,
    maxPositions: settings.maxPositions ?? defaults.maxPositions,
    typeVocabularySize: settings.typeVocabularySize ?? defaults.typeVocabularySize,
    hiddenAct: settings.hiddenAct ?? defaults.hiddenAct,
    layerNormEps: settings.layerNormEps ?? defaults.layerNormEps,
    hiddenDropout: settings.hiddenDropout ?? defaults.hiddenDropout,
    attentionDropout: settings.attentionDropout ?? defaults.attentionDropout,
  };
  if (config.hiddenSize % config.heads !== 0) {
    throw new Error(`bert: hiddenSize ${config.hiddenSize} is not divisible by heads ${config.heads}`);
  }
  if (settings.layerIndices !== undefined) {
    throw new Error('bert: layerIndices selects layers of a checkpoint and needs checkpoint to be set');
  }
  return config;
}

/** Builds a BERT backbone from the checkpoint in the settings, or from random weights when there is none. */
export async function createBertBackbone(settings: BertSettings, context: BertContext): Promise<BertBackbone> {
  const random = context.random.fork('bert');
  let config: BertConfig;
  let weights;

  if (settings.checkpoint !== undefined) {
    const directory = resolveCheckpointReference(settings.checkpoint, context.resolvePath, ['config.json', 'model.safetensors']);
    const loaded = await loadBertCheckpoint(directory, { layers: settings.layers, layerIndices: settings.layerIndices }, random);
    for (const [setting, key] of ARCHITECTURE_SETTINGS) {
      const value = settings[setting];
      if (value !== undefined && value !== loaded.config[setting]) {
        throw new Error(
          `bert: ${setting} is ${JSON.stringify(value)} but ${directory}/config.json has ${key} ${JSON.stringify(loaded.config[setting])}; remove the setting to use the checkpoint's`,
        );
      }
    }
    if (context.vocabularySize > loaded.config.vocabSize) {
      throw new Error(
        `bert: the tokenizer has ${context.vocabularySize} tokens but ${directory} has only ${loaded.config.vocabSize} word embeddings; use the checkpoint's tokenizer`,
      );
    }
    config = {
      ...loaded.config,
      hiddenDropout: settings.hiddenDropout ?? loaded.config.hiddenDropout,
      attentionDropout: settings.attentionDropout ?? loaded.config.attentionDropout,
    };
    weights = loaded.weights;
    const origin = loaded.sourceLayers.map((source, layer) => `${layer}<-${source}`).join(', ');
    context.log(`bert: loaded ${config.layers} of the checkpoint's layers from ${directory} (layer<-checkpoint layer: ${origin})`);
  } else {
    config = resolveBertConfig(settings, context.vocabularySize);
    weights = initialBertWeights(config, random);
  }

  const trainable = {
    layers: settings.trainableLayers ?? config.layers,
    embeddings: settings.trainEmbeddings ?? settings.checkpoint === undefined,
  };
  try {
    return new BertBackbone(config, weights, trainable, random);
  } finally {
    for (const value of weights.values()) value.dispose();
  }
}
