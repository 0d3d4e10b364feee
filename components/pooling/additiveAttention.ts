import { Type } from '@sinclair/typebox';
import { defineComponent } from '../../framework/registry/ComponentDefinition.ts';
import type { Pooling, PoolingContext } from './Pooling.ts';

export const additiveAttentionPoolingSettings = Type.Object({
  queryVectorSize: Type.Integer({
    minimum: 1,
    default: 200,
    description: 'Size of the attention query vector and hidden layer (news_query_vector_dim in the Tiny-NewsRec authors\' parameters.py: 200).',
  }),
});

/** Additive attention over token states (NRMS, Tiny-NewsRec). */
export const additiveAttentionPooling = defineComponent({
  kind: 'pooling',
  name: 'additive-attention',
  description: 'Additive attention over the token states: softmax of q . tanh(W h + b) over non-padding tokens',
  settings: additiveAttentionPoolingSettings,
  async create(settings, context: PoolingContext): Promise<Pooling> {
    const { AdditiveAttentionPooling } = await import('./AdditiveAttentionPooling.ts');
    return AdditiveAttentionPooling.create(settings.queryVectorSize, context);
  },
});
