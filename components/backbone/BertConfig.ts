/** Activations of BERT's feed-forward layers, by their Hugging Face `hidden_act` names. */
export const HIDDEN_ACTIVATIONS = ['gelu', 'gelu_new', 'gelu_pytorch_tanh', 'relu'] as const;
export type HiddenActivation = (typeof HIDDEN_ACTIVATIONS)[number];

/** The architecture of a BERT backbone, every field resolved. */
export interface BertConfig {
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly layers: number;
  readonly heads: number;
  readonly intermediateSize: number;
  readonly maxPositions: number;
  readonly typeVocabularySize: number;
  readonly hiddenAct: HiddenActivation;
  readonly layerNormEps: number;
  readonly hiddenDropout: number;
  readonly attentionDropout: number;
  readonly initializerRange: number;
  readonly padTokenId: number;
}

/** Defaults of Hugging Face transformers' BertConfig (bert-base-uncased). */
export const BERT_CONFIG_DEFAULTS: Omit<BertConfig, 'vocabSize'> = {
  hiddenSize: 768,
  layers: 12,
  heads: 12,
  intermediateSize: 3072,
  maxPositions: 512,
  typeVocabularySize: 2,
  hiddenAct: 'gelu',
  layerNormEps: 1e-12,
  hiddenDropout: 0.1,
  attentionDropout: 0.1,
  initializerRange: 0.02,
  padTokenId: 0,
};

function numberField(json: Record<string, unknown>, key: string, fallback: number, file: string): number {
  const value = json[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`${file}: ${key} must be a number, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Reads a Hugging Face BERT-family config.json; fields it omits take BertConfig's defaults. */
export function bertConfigFromJson(json: Record<string, unknown>, file: string): BertConfig {
  const hiddenAct = json.hidden_act ?? BERT_CONFIG_DEFAULTS.hiddenAct;
  if (!(HIDDEN_ACTIVATIONS as readonly unknown[]).includes(hiddenAct)) {
    throw new Error(`${file}: hidden_act ${JSON.stringify(hiddenAct)} is not supported; supported: ${HIDDEN_ACTIVATIONS.join(', ')}`);
  }
  const positionType = json.position_embedding_type ?? 'absolute';
  if (positionType !== 'absolute') {
    throw new Error(`${file}: position_embedding_type ${JSON.stringify(positionType)} is not supported; only 'absolute' is`);
  }
  const defaults = BERT_CONFIG_DEFAULTS;
  return {
    vocabSize: numberField(json, 'vocab_size', 30522, file),
    hiddenSize: numberField(json, 'hidden_size', defaults.hiddenSize, file),
    layers: numberField(json, 'num_hidden_layers', defaults.layers, file),
    heads: numberField(json, 'num_attention_heads', defaults.heads, file),
    intermediateSize: numberField(json, 'intermediate_size', defaults.intermediateSize, file),
    maxPositions: numberField(json, 'max_position_embeddings', defaults.maxPositions, file),
    typeVocabularySize: numberField(json, 'type_vocab_size', defaults.typeVocabularySize, file),
    hiddenAct: hiddenAct as HiddenActivation,
    layerNormEps: numberField(json, 'layer_norm_eps', defaults.layerNormEps, file),
    hiddenDropout: numberField(json, 'hidden_dropout_prob', defaults.hiddenDropout, file),
    attentionDropout: numberField(json, 'attention_probs_dropout_prob', defaults.attentionDropout, file),
    initializerRange: numberField(json, 'initializer_range', defaults.initializerRange, file),
    padTokenId: numberField(json, 'pad_token_id', defaults.padTokenId, file),
  };
}

/** Converts a config to the config.json that Hugging Face's BertModel.from_pretrained reads. */
export function bertConfigToJson(config: BertConfig): Record<string, unknown> {
  return {
    architectures: ['BertModel'],
    model_type: 'bert',
    vocab_size: config.vocabSize,
    hidden_size: config.hiddenSize,
    num_hidden_layers: config.layers,
    num_attention_heads: config.heads,
    intermediate_size: config.intermediateSize,
    hidden_act: config.hiddenAct,
    hidden_dropout_prob: config.hiddenDropout,
    attention_probs_dropout_prob: config.attentionDropout,
    max_position_embeddings: config.maxPositions,
    type_vocab_size: config.typeVocabularySize,
    initializer_range: config.initializerRange,
    layer_norm_eps: config.layerNormEps,
    pad_token_id: config.padTokenId,
    position_embedding_type: 'absolute',
  };
}

/** Names and shapes of every BertModel weight, in saving order; Linear weights are [out, in] as in PyTorch. */
export function bertWeightShapes(config: BertConfig): Map<string, number[]> {
  const { hiddenSize: h, intermediateSize: i } = config;
  const shapes = new Map<string, number[]>([
    ['embeddings.word_embeddings.weight', [config.vocabSize, h]],
    ['embeddings.position_embeddings.weight', [config.maxPositions, h]],
    ['embeddings.token_type_embeddings.weight', [config.typeVocabularySize, h]],
    ['embeddings.LayerNorm.weight', [h]],
    ['embeddings.LayerNorm.bias', [h]],
  ]);
  for (let layer = 0; layer < config.layers; layer++) {
    const prefix = `encoder.layer.${layer}`;
    for (const name of ['attention.self.query', 'attention.self.key', 'attention.self.value', 'attention.output.dense']) {
      shapes.set(`${prefix}.${name}.weight`, [h, h]);
      shapes.set(`${prefix}.${name}.bias`, [h]);
    }
    shapes.set(`${prefix}.attention.output.LayerNorm.weight`, [h]);
    shapes.set(`${prefix}.attention.output.LayerNorm.bias`, [h]);
    shapes.set(`${prefix}.intermediate.dense.weight`, [i, h]);
    shapes.set(`${prefix}.intermediate.dense.bias`, [i]);
    shapes.set(`${prefix}.output.dense.weight`, [h, i]);
    shapes.set(`${prefix}.output.dense.bias`, [h]);
    shapes.set(`${prefix}.output.LayerNorm.weight`, [h]);
    shapes.set(`${prefix}.output.LayerNorm.bias`, [h]);
  }
  shapes.set('pooler.dense.weight', [h, h]);
  shapes.set('pooler.dense.bias', [h]);
  return shapes;
}
