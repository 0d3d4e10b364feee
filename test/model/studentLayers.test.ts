import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BertBackbone } from '../../components/backbone/BertBackbone.ts';
import { createBertBackbone } from '../../components/backbone/createBertBackbone.ts';
import { readSafetensors, type SafetensorsFile } from '../../framework/checkpoint/readSafetensors.ts';
import { Random } from '../../framework/random/Random.ts';
import { useBackend } from '../backend/backends.ts';
import { requireMiniLm } from './checkpointDirectory.ts';
import { maxAbsDifference } from './fixtureValues.ts';

/** Builds a student from all-MiniLM-L6-v2 (6 layers) and returns it with the lines it logged. */
async function student(selection: { layers?: number; layerIndices?: number[] }): Promise<{ backbone: BertBackbone; logs: string[] }> {
  const logs: string[] = [];
  const backbone = await createBertBackbone(
    { checkpoint: requireMiniLm(), ...selection },
    { vocabularySize: 30522, random: new Random(1), resolvePath: (path) => path, log: (message) => logs.push(message) },
  );
  return { backbone, logs };
}

describe('student layer selection', () => {
  let checkpoint: SafetensorsFile;

  beforeAll(async () => {
    await useBackend('wasm');
    checkpoint = await readSafetensors(join(requireMiniLm(), 'model.safetensors'));
  });

  /** Checks that every weight of student layer i equals the checkpoint's layer sources[i]. */
  async function expectLayersFrom(backbone: BertBackbone, sources: readonly number[]): Promise<void> {
    for (const { name, variable } of backbone.weights()) {
      const layer = /^encoder\.layer\.(\d+)\.(.+)$/.exec(name);
      if (layer === null) continue;
      const source = `encoder.layer.${sources[Number(layer[1])]}.${layer[2]}`;
      const expected = checkpoint.tensors.get(source)?.values ?? new Float32Array();
      expect(maxAbsDifference(await variable.data(), expected), `${name} from ${source}`).toBe(0);
    }
  }

  it('keeps the first L layers', async () => {
    const { backbone, logs } = await student({ layers: 2 });
    expect(backbone.layerCount).toBe(2);
    expect(logs).toEqual([`bert: loaded 2 of the checkpoint's layers from ${requireMiniLm()} (layer<-checkpoint layer: 0<-0, 1<-1)`]);
    await expectLayersFrom(backbone, [0, 1]);
    backbone.dispose();
  });

  it('keeps every second layer', async () => {
    const { backbone, logs } = await student({ layerIndices: [1, 3, 5] });
    expect(backbone.layerCount).toBe(3);
    expect(logs).toEqual([`bert: loaded 3 of the checkpoint's layers from ${requireMiniLm()} (layer<-checkpoint layer: 0<-1, 1<-3, 2<-5)`]);
    await expectLayersFrom(backbone, [1, 3, 5]);
    expect(backbone.config).toMatchObject({ num_hidden_layers: 3 });
    backbone.dispose();
  });

  it('rejects a layer the checkpoint lacks', async () => {
    await expect(student({ layerIndices: [0, 6] })).rejects.toThrow(
      `layerIndices contains 6, but ${requireMiniLm()}/config.json has layers 0 to 5`,
    );
  });

  it('rejects layers disagreeing with layerIndices', async () => {
    await expect(student({ layers: 2, layerIndices: [0, 2, 4] })).rejects.toThrow('layers is 2 but layerIndices lists 3 layers; give one of them');
  });
});
