import { Type, type Static } from '@sinclair/typebox';
import { defineComponent } from '../../framework/registry/ComponentDefinition.ts';
import { wordEmbeddingSettings } from '../embedding/wordEmbeddingSettings.ts';
import { cnnFilters, cnnWindow, dropoutRate, queryVectorSize } from './encoderSettings.ts';
import type { NewsEncoder, NewsEncoderContext } from './NewsEncoder.ts';

// Defaults: the LSTUR setting on MIND, 400 filters with window 3 so that the
// title vector matches a GRU of 400 units, attention queries of 200 and
// dropout 0.2 as in NRMS and NAML. LSTUR (An et al., ACL 2019) also
// concatenates topic and subtopic embeddings; categoryEmbeddingSize turns them on.
export const cnnNewsSettings = Type.Object({
  wordEmbedding: wordEmbeddingSettings,
  filters: cnnFilters(400, 'LSTUR on MIND: 400'),
  window: cnnWindow(3, 'LSTUR: 3'),
  queryVectorSize: queryVectorSize(200, 'as in NRMS and NAML: 200'),
  dropout: dropoutRate(0.2, 'LSTUR: 0.2'),
  categoryEmbeddingSize: Type.Integer({
    minimum: 0,
    default: 0,
    description:
      'Size of the topic and subtopic embeddings appended to the title vector, so the news vector is filters + 2 x this wide (0: title only)',
  }),
});

export type CnnNewsSettings = Static<typeof cnnNewsSettings>;

export const cnnNewsEncoder = defineComponent({
  kind: 'newsEncoder',
  name: 'cnn',
  description: 'LSTUR news encoder: a CNN with additive attention over the title, optionally with topic and subtopic embeddings',
  settings: cnnNewsSettings,
  async create(settings, context: NewsEncoderContext): Promise<NewsEncoder> {
    const { CnnNewsEncoder } = await import('./CnnNewsEncoder.ts');
    return CnnNewsEncoder.create(settings, context);
  },
});
