import { Type } from '@sinclair/typebox';
import { defineStage } from '../../framework/graph/StageDefinition.ts';
import type { StageRunner } from '../../framework/training/StageContext.ts';
import { distillationMicroBatchSize, distillationSettings } from './distillationSettings.ts';
import { clickTaskSettings } from './fineTune.ts';
import { adam, modelInput, modelsInput, nestedComponent, trainableLayers, trainEmbeddings } from './stageSettings.ts';

export const distillFineTuneSettings = Type.Object({
  student: modelInput('Student to fine-tune, e.g. distill-post-train.model'),
  teachers: modelsInput('Fine-tuned teachers, e.g. fine-tune-teachers.models'),
  ...clickTaskSettings,
  trainableLayers: trainableLayers(2, 'authors: the top 2 layers of the student'),
  trainEmbeddings,
  microBatchSize: distillationMicroBatchSize,
  ...distillationSettings,
  targetLoss: nestedComponent(
    'loss',
    { type: 'softmax-cross-entropy', coef: 0.2 },
    "The student's own click loss (authors' total: L_distill + 0.2 * CE + L_emb)",
  ),
  optimizer: adam(1e-4),
});

export const distillFineTuneStage = defineStage({
  kind: 'stage',
  name: 'distill-fine-tune',
  description:
    'Stage-2 distillation: fine-tunes the student on click prediction with M fine-tuned teachers (L_distill + L_emb + coef * CE)',
  settings: distillFineTuneSettings,
  inputs: { student: 'model', teachers: 'models' },
  requiredInputs: ['student', 'teachers'],
  outputs: { model: 'model' },
  async create(settings): Promise<StageRunner> {
    const { DistillFineTuneRunner } = await import('./DistillFineTuneRunner.ts');
    return new DistillFineTuneRunner(settings);
  },
});
