import { Type } from '@sinclair/typebox';
import { defineComponent } from '../../framework/registry/ComponentDefinition.ts';
import type { ClassificationLoss } from './Loss.ts';
import { coefSetting } from './lossSettings.ts';

export const infonceLoss = defineComponent({
  kind: 'loss',
  name: 'infonce',
  description: 'InfoNCE over scores [batch, 1 + negatives] with the positive at index 0',
  settings: Type.Object({ coef: coefSetting }),
  async create(settings): Promise<ClassificationLoss> {
    const { InfoNceLoss } = await import('./InfoNceLoss.ts');
    return new InfoNceLoss(settings.coef);
  },
});
