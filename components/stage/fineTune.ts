import { Type } from '@sinclair/typebox';
import { defineStage } from '../../framework/graph/StageDefinition.ts';
import type { StageRunner } from '../../framework/training/StageContext.ts';
import {
  adam,
  batchSize,
  cacheFrozenLayers,
  dedupeNews,
  earlyStopping,
  epochs,
  historyLength,
  lengthBucketSize,
  logEvery,
  maxSteps,
  microBatchSize,
  modelsInput,
  nestedComponent,
  npratio,
  saveModels,
  shuffleBuffer,
  staleHistorySteps,
  titleLength,
  trainableLayers,
  trainEmbeddings,
  trainingGuardSettings,
} from './stageSettings.ts';

/** Settings of the click-prediction task shared by fine-tuning and its distillation. */
export const clickTaskSettings = {
  epochs: epochs(4),
  maxSteps,
  batchSize: batchSize(32),
  shuffleBuffer,
  npratio,
  historyLength,
  titleLength,
  logEvery,
  save: saveModels,
  cacheFrozenLayers,
  lengthBucketSize,
  dedupeNews,
  staleHistorySteps,
  ...trainingGuardSettings,
  earlyStopping,
};

export const fineTuneSettings = Type.Object({
  models: modelsInput('Models to fine-tune, each on its own: a name under models:, stage.output, or a list'),
  ...clickTaskSettings,
  trainableLayers: trainableLayers(2, 'authors: the last 2 during fine-tuning'),
  trainEmbeddings,
  microBatchSize,
  loss: nestedComponent('loss', { type: 'softmax-cross-entropy' }, 'Loss over the clicked and the npratio skipped candidates'),
  optimizer: adam(1e-4),
});

export const fineTuneStage = defineStage({
  kind: 'stage',
  name: 'fine-tune',
  description:
    'Fine-tunes each given model on click prediction (softmax cross-entropy over 1 + npratio candidates from the same impression)',
  settings: fineTuneSettings,
  inputs: { models: 'models' },
  requiredInputs: ['models'],
  outputs: { models: 'models' },
  async create(settings): Promise<StageRunner> {
    const { FineTuneRunner } = await import('./FineTuneRunner.ts');
    return new FineTuneRunner(settings);
  },
});
