import { Type } from '@sinclair/typebox';
import { defineComponent } from '../../framework/registry/ComponentDefinition.ts';
import type { Pooling } from './Pooling.ts';

/** The mean of the non-padding token states (sentence-transformers' mean pooling). */
export const meanPooling = defineComponent({
  kind: 'pooling',
  name: 'mean',
  description: 'The mean of the token states, padding excluded',
  settings: Type.Object({}),
  async create(): Promise<Pooling> {
    const { TokenPooling } = await import('./TokenPooling.ts');
    return new TokenPooling('mean');
  },
});
