import { Type } from '@sinclair/typebox';
import { defineComponent } from '../../framework/registry/ComponentDefinition.ts';
import type { DistillationLoss } from './Loss.ts';
import { coefSetting } from './lossSettings.ts';

export const softTargetLoss = defineComponent({
  kind: 'loss',
  name: 'soft-target',
  description: 'Temperature soft-target cross-entropy between the (weighted) teacher logits and the student logits',
  settings: Type.Object({
    coef: coefSetting,
    temperature: Type.Number({
      exclusiveMinimum: 0,
      default: 1,
      description: 'Softmax temperature T applied to both sides (Tiny-NewsRec code default: 1)',
    }),
    scaleByTemperatureSquared: Type.Boolean({
      default: false,
      description:
        'Multiply the loss by T^2 as the Tiny-NewsRec paper writes it; the authors\' code leaves the factor out, hence the default false',
    }),
  }),
  async create(settings): Promise<DistillationLoss> {
    const { SoftTargetLoss } = await import('./SoftTargetLoss.ts');
    return new SoftTargetLoss(settings.coef, settings.temperature, settings.scaleByTemperatureSquared);
  },
});
