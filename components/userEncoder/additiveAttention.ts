import { Type } from '@sinclair/typebox';
import { defineComponent } from '../../framework/registry/ComponentDefinition.ts';
import type { UserEncoder, UserEncoderContext } from './UserEncoder.ts';

export const additiveAttentionUserSettings = Type.Object({
  queryVectorSize: Type.Integer({
    minimum: 1,
    default: 200,
    description: 'Size of the attention query vector and hidden layer (user_query_vector_dim in the Tiny-NewsRec authors\' parameters.py: 200).',
  }),
  maskPadding: Type.Boolean({
    default: true,
    description:
      'Exclude padded history slots from the attention. Padded slots always hold the learned pad vector; false lets them take part in the attention, as the authors\' training runs do (user_log_mask=False in demo.sh).',
  }),
});

/** Additive attention over the vectors of the clicked news, with a learned pad vector. */
export const additiveAttentionUserEncoder = defineComponent({
  kind: 'userEncoder',
  name: 'additive-attention',
  description: 'Additive attention over the clicked news vectors; padded slots hold a learned pad vector',
  settings: additiveAttentionUserSettings,
  async create(settings, context: UserEncoderContext): Promise<UserEncoder> {
    const { AttentionUserEncoder } = await import('./AttentionUserEncoder.ts');
    return AttentionUserEncoder.create(settings.queryVectorSize, settings.maskPadding, context);
  },
});
