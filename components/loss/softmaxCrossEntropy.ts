import { Type } from '@sinclair/typebox';
import { defineComponent } from '../../framework/registry/ComponentDefinition.ts';
import type { ClassificationLoss } from './Loss.ts';
import { coefSetting } from './lossSettings.ts';

export const softmaxCrossEntropyLoss = defineComponent({
  kind: 'loss',
  name: 'softmax-cross-entropy',
  description: 'Softmax cross-entropy of logits [batch, classes] with integer labels',
  settings: Type.Object({ coef: coefSetting }),
  async create(settings): Promise<ClassificationLoss> {
    const { SoftmaxCrossEntropyLoss } = await import('./SoftmaxCrossEntropyLoss.ts');
    return new SoftmaxCrossEntropyLoss(settings.coef);
  },
});
