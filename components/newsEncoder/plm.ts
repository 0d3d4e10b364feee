import { Type, type Static } from '@sinclair/typebox';
import { defineComponent } from '../../framework/registry/ComponentDefinition.ts';
import { componentRef } from '../../framework/registry/componentRef.ts';
import type { Random } from '../../framework/random/Random.ts';
import type { Registry } from '../../framework/registry/Registry.ts';
import type { Tokenizer } from '../tokenizer/Tokenizer.ts';
import type { NewsEncoder } from './NewsEncoder.ts';

/** Context of the plm factory, passed by the model builder. */
export interface PlmContext {
  readonly registry: Registry;
  readonly tokenizer: Tokenizer;
  readonly random: Random;
  readonly resolvePath: (path: string) => string;
  readonly log: (message: string) => void;
}

export const plmSettings = Type.Object({
  backbone: componentRef('backbone', { description: 'Pre-trained language model that reads the news text' }),
  pooling: componentRef('pooling', {
    default: { type: 'additive-attention' },
    description: 'Turns token states into one vector (the authors\' default: additive attention)',
  }),
  outputSize: Type.Integer({
    minimum: 1,
    default: 256,
    description: 'Size of the news vector after the final dense layer (news_dim=256 in the Tiny-NewsRec authors\' demo.sh).',
  }),
});

export type PlmSettings = Static<typeof plmSettings>;

/** PLM news encoder (PLM-NR, Tiny-NewsRec): backbone, pooling, dense projection. */
export const plmNewsEncoder = defineComponent({
  kind: 'newsEncoder',
  name: 'plm',
  description: 'Pre-trained language model news encoder: transformer, pooling and a dense projection to the news vector',
  settings: plmSettings,
  async create(settings, context: PlmContext): Promise<NewsEncoder> {
    const { createPlmNewsEncoder } = await import('./PlmNewsEncoder.ts');
    return createPlmNewsEncoder(settings, context);
  },
});
