import { Type } from '@sinclair/typebox';
import { defineComponent } from '../../framework/registry/ComponentDefinition.ts';
import type { ClickPredictor } from './ClickPredictor.ts';

/** Dot product of candidate news vector and user vector. */
export const dotClickPredictor = defineComponent({
  kind: 'clickPredictor',
  name: 'dot',
  description: 'Dot product of the candidate news vector and the user vector',
  settings: Type.Object({}),
  async create(): Promise<ClickPredictor> {
    const { DotClickPredictor } = await import('./DotClickPredictor.ts');
    return new DotClickPredictor();
  },
});
