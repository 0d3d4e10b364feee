import { Type, type Static } from '@sinclair/typebox';
import { defineComponent } from '../../framework/registry/ComponentDefinition.ts';
import { attentionHeads, attentionHeadSize, queryVectorSize } from '../newsEncoder/encoderSettings.ts';
import type { UserEncoder, UserEncoderContext } from './UserEncoder.ts';

// Defaults: NRMS (Wu et al., EMNLP 2019): 16 heads of 16 dimensions, attention queries of 200.
export const selfAttentionUserSettings = Type.Object({
  heads: attentionHeads(16, 'NRMS: 16; heads x headSize must equal the news vector size'),
  headSize: attentionHeadSize(16, 'NRMS: 16'),
  queryVectorSize: queryVectorSize(200, 'NRMS: 200'),
});

export type SelfAttentionUserSettings = Static<typeof selfAttentionUserSettings>;

export const selfAttentionUserEncoder = defineComponent({
  kind: 'userEncoder',
  name: 'multi-head-self-attention',
  description: 'NRMS user encoder: multi-head self-attention over the clicked news vectors, then additive attention',
  settings: selfAttentionUserSettings,
  async create(settings, context: UserEncoderContext): Promise<UserEncoder> {
    const { SelfAttentionUserEncoder } = await import('./SelfAttentionUserEncoder.ts');
    return SelfAttentionUserEncoder.create(settings, context);
  },
});
