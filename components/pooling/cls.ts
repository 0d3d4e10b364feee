import { Type } from '@sinclair/typebox';
import { defineComponent } from '../../framework/registry/ComponentDefinition.ts';
import type { Pooling } from './Pooling.ts';

/** The state of the first token, [CLS]. */
export const clsPooling = defineComponent({
  kind: 'pooling',
  name: 'cls',
  description: 'The state of the first token ([CLS])',
  settings: Type.Object({}),
  async create(): Promise<Pooling> {
    const { TokenPooling } = await import('./TokenPooling.ts');
    return new TokenPooling('cls');
  },
});
