import { Type } from '@sinclair/typebox';
import { defineComponent } from '../../framework/registry/ComponentDefinition.ts';
import type { Tracker } from './Tracker.ts';

export const localTracker = defineComponent({
  kind: 'tracker',
  name: 'local',
  description: 'Records metrics in the run directory (metrics.jsonl per step, metrics.json final)',
  settings: Type.Object({}),
  async create(): Promise<Tracker> {
    const { LocalTracker } = await import('./LocalTracker.ts');
    return new LocalTracker();
  },
});
