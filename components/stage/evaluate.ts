import { Type } from '@sinclair/typebox';
import { defineStage } from '../../framework/graph/StageDefinition.ts';
import type { StageRunner } from '../../framework/training/StageContext.ts';
import { historyLength, modelsInput, titleLength } from './stageSettings.ts';

export const evaluateSettings = Type.Object({
  models: modelsInput('Models to evaluate: references or a list of them'),
  split: Type.Union([Type.Literal('dev'), Type.Literal('train')], {
    default: 'dev',
    description: 'Labelled split to evaluate on',
  }),
  batchSize: Type.Integer({
    minimum: 1,
    default: 128,
    description: 'Impressions per scoring batch (authors: 128 when testing)',
  }),
  historyLength,
  titleLength,
  throughputSample: Type.Integer({
    minimum: 0,
    default: 256,
    description: 'Articles encoded (titles, batches of batchSize, no cache) to measure news/s; 0 skips the measurement',
  }),
});

export const evaluateStage = defineStage({
  kind: 'stage',
  name: 'evaluate',
  description:
    'Scores every impression of a labelled split; AUC, MRR, nDCG@5 and nDCG@10 per impression, averaged, plus parameters and news-encoding speed',
  settings: evaluateSettings,
  inputs: { models: 'models' },
  requiredInputs: ['models'],
  outputs: { metrics: 'metrics' },
  async create(settings): Promise<StageRunner> {
    const { EvaluateRunner } = await import('./EvaluateRunner.ts');
    return new EvaluateRunner(settings);
  },
});
