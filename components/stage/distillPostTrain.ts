import { Type } from '@sinclair/typebox';
import { defineStage } from '../../framework/graph/StageDefinition.ts';
import type { StageRunner } from '../../framework/training/StageContext.ts';
import { distillationSettings } from './distillationSettings.ts';
import { contrastiveTaskSettings } from './postTrain.ts';
import { adam, modelInput, modelsInput, nestedComponent, trainableLayers, trainEmbeddings } from './stageSettings.ts';

export const distillPostTrainSettings = Type.Object({
  student: modelInput('Student to post-train: a name under models: or stage.output'),
  teachers: modelsInput('Teachers, e.g. post-train.snapshots'),
  steps: Type.Integer({ minimum: 1, default: 2000, description: 'Optimisation steps' }),
  ...contrastiveTaskSettings,
  trainableLayers: trainableLayers(2, 'authors: the top 2 layers of the student'),
  trainEmbeddings,
  ...distillationSettings,
  targetLoss: nestedComponent('loss', { type: 'infonce' }, "The student's own title/body loss, L_DP"),
  optimizer: adam(1e-4),
});

export const distillPostTrainStage = defineStage({
  kind: 'stage',
  name: 'distill-post-train',
  description:
    'Stage-1 distillation: post-trains a student on the title/body task with M teachers (L_distill + L_emb + L_DP)',
  settings: distillPostTrainSettings,
  inputs: { student: 'model', teachers: 'models' },
  requiredInputs: ['student', 'teachers'],
  outputs: { model: 'model' },
  async create(settings): Promise<StageRunner> {
    const { DistillPostTrainRunner } = await import('./DistillPostTrainRunner.ts');
    return new DistillPostTrainRunner(settings);
  },
});
