import { Type, type Static } from '@sinclair/typebox';
import { defineComponent } from '../../framework/registry/ComponentDefinition.ts';
import { wordEmbeddingSettings } from '../embedding/wordEmbeddingSettings.ts';
import { attentionHeads, attentionHeadSize, dropoutRate, queryVectorSize } from './encoderSettings.ts';
import type { NewsEncoder, NewsEncoderContext } from './NewsEncoder.ts';

// Defaults: NRMS (Wu et al., "Neural News Recommendation with Multi-Head
// Self-Attention", EMNLP 2019, experimental settings): 300-d GloVe word
// vectors, 16 heads of 16 dimensions, attention queries of 200, dropout 0.2.
export const nrmsNewsSettings = Type.Object({
  wordEmbedding: wordEmbeddingSettings,
  heads: attentionHeads(16, 'NRMS: 16'),
  headSize: attentionHeadSize(16, 'NRMS: 16'),
  queryVectorSize: queryVectorSize(200, 'NRMS: 200'),
  dropout: dropoutRate(0.2, 'NRMS: 0.2'),
});

export type NrmsNewsSettings = Static<typeof nrmsNewsSettings>;

export const nrmsNewsEncoder = defineComponent({
  kind: 'newsEncoder',
  name: 'nrms',
  description: 'NRMS news encoder: word embeddings, multi-head self-attention over the words and additive attention (reads the title)',
  settings: nrmsNewsSettings,
  async create(settings, context: NewsEncoderContext): Promise<NewsEncoder> {
    const { NrmsNewsEncoder } = await import('./NrmsNewsEncoder.ts');
    return NrmsNewsEncoder.create(settings, context);
  },
});
