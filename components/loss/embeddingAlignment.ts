import { Type } from '@sinclair/typebox';
import { defineComponent } from '../../framework/registry/ComponentDefinition.ts';
import type { EmbeddingAlignmentLoss, LossContext } from './Loss.ts';
import { coefSetting } from './lossSettings.ts';

export const embeddingAlignmentLoss = defineComponent({
  kind: 'loss',
  name: 'embedding-alignment',
  description: 'Teacher-weighted MSE between each teacher representation, mapped by its own learned linear layer, and the student\'s',
  settings: Type.Object({ coef: coefSetting }),
  async create(settings, context: LossContext): Promise<EmbeddingAlignmentLoss> {
    const { teacherSizes, studentSize, random } = context;
    if (teacherSizes === undefined || studentSize === undefined || random === undefined) {
      throw new Error('embedding-alignment needs teacherSizes, studentSize and random from the stage that creates it');
    }
    const { LinearAlignmentLoss } = await import('./LinearAlignmentLoss.ts');
    return new LinearAlignmentLoss(settings.coef, teacherSizes, studentSize, random);
  },
});
