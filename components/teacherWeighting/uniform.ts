import { Type } from '@sinclair/typebox';
import { defineComponent } from '../../framework/registry/ComponentDefinition.ts';
import type { TeacherWeighting } from './TeacherWeighting.ts';

export const uniformWeighting = defineComponent({
  kind: 'teacherWeighting',
  name: 'uniform',
  description: 'Every teacher weighs 1/M on every sample',
  settings: Type.Object({}),
  async create(): Promise<TeacherWeighting> {
    const { UniformWeighting } = await import('./UniformWeighting.ts');
    return new UniformWeighting();
  },
});
