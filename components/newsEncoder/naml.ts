import { Type, type Static } from '@sinclair/typebox';
import { defineComponent } from '../../framework/registry/ComponentDefinition.ts';
import { wordEmbeddingSettings } from '../embedding/wordEmbeddingSettings.ts';
import { cnnFilters, cnnWindow, dropoutRate, queryVectorSize } from './encoderSettings.ts';
import type { NewsEncoder, NewsEncoderContext } from './NewsEncoder.ts';

// Defaults: NAML (Wu et al., "Neural News Recommendation with Attentive
// Multi-View Learning", IJCAI 2019, experimental settings): 300-d GloVe word
// vectors, 400 CNN filters with window 3, category embeddings of 100,
// attention queries of 200, dropout 0.2.
export const namlNewsSettings = Type.Object({
  wordEmbedding: wordEmbeddingSettings,
  filters: cnnFilters(400, 'NAML: 400'),
  window: cnnWindow(3, 'NAML: 3'),
  categoryEmbeddingSize: Type.Integer({ minimum: 1, default: 100, description: 'Size of the category and subcategory embeddings (NAML: 100)' }),
  queryVectorSize: queryVectorSize(200, 'NAML: 200'),
  dropout: dropoutRate(0.2, 'NAML: 0.2'),
  abstractLength: Type.Integer({
    minimum: 3,
    default: 50,
    // NOTE: the NAML paper does not give a body length for MIND; 50 tokens is a guess that keeps the view cheap.
    description: 'Tokens kept of each abstract for the abstract view, [CLS] and [SEP] included',
  }),
});

export type NamlNewsSettings = Static<typeof namlNewsSettings>;

export const namlNewsEncoder = defineComponent({
  kind: 'newsEncoder',
  name: 'naml',
  description: 'NAML news encoder: title, abstract, category and subcategory views (CNN text views) fused by additive attention',
  settings: namlNewsSettings,
  async create(settings, context: NewsEncoderContext): Promise<NewsEncoder> {
    const { NamlNewsEncoder } = await import('./NamlNewsEncoder.ts');
    return NamlNewsEncoder.create(settings, context);
  },
});
