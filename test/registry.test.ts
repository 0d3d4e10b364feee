import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { defineComponent } from '../framework/registry/ComponentDefinition.ts';
import { Registry } from '../framework/registry/Registry.ts';

const meanPooling = defineComponent({
  kind: 'pooling',
  name: 'mean',
  description: 'average of token states',
  settings: Type.Object({}),
  create: () => 'mean pooling',
});

describe('Registry', () => {
  it('returns a registered component by kind and name', async () => {
    const registry = new Registry();
    registry.register(meanPooling);
    expect(registry.has('pooling', 'mean')).toBe(true);
    expect(registry.has('userEncoder', 'mean')).toBe(false);
    expect(registry.get('pooling', 'mean')).toBe(meanPooling);
    expect(await registry.create('pooling', { type: 'mean' }, {})).toBe('mean pooling');
    expect(registry.namesOf('pooling')).toEqual(['mean']);
  });

  it('rejects a name registered twice and names both sources', () => {
    const registry = new Registry();
    registry.register(meanPooling);
    expect(() => registry.register(meanPooling, 'plugins/my-pooling.ts')).toThrow(
      "pooling 'mean' is registered twice: by newsrec-lab and by plugins/my-pooling.ts",
    );
  });
});
