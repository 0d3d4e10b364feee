import { Type } from '@sinclair/typebox';
import { defineComponent } from '../../framework/registry/ComponentDefinition.ts';
import type { TeacherWeighting } from './TeacherWeighting.ts';

export const lossBasedWeighting = defineComponent({
  kind: 'teacherWeighting',
  name: 'loss-based',
  description: "Per-sample softmax over teachers of minus each teacher's cross-entropy on the label (Tiny-NewsRec alpha/beta)",
  settings: Type.Object({}),
  async create(): Promise<TeacherWeighting> {
    const { LossBasedWeighting } = await import('./LossBasedWeighting.ts');
    return new LossBasedWeighting();
  },
});
