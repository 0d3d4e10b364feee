import { Type } from '@sinclair/typebox';
import { defineStage } from '../../framework/graph/StageDefinition.ts';
import type { StageRunner } from '../../framework/training/StageContext.ts';
import {
  batchSize,
  cacheFrozenLayers,
  lengthBucketSize,
  logEvery,
  modelInput,
  adam,
  nestedComponent,
  saveModels,
  titleLength,
  trainableLayers,
  trainEmbeddings,
  trainingGuardSettings,
} from './stageSettings.ts';

/** Settings of the title/body contrastive task shared by post-training and its distillation. */
export const contrastiveTaskSettings = {
  batchSize: batchSize(32),
  titleLength,
  bodyLength: Type.Integer({
    minimum: 3,
    default: 512,
    description: 'Tokens kept of each body (MIND: the abstract), [CLS] and [SEP] included (authors: 512)',
  }),
  negatives: Type.Integer({
    minimum: 1,
    default: 9,
    description: 'Titles of other random articles scored against each body (authors: 9)',
  }),
  logEvery,
  save: saveModels,
  cacheFrozenLayers,
  lengthBucketSize,
  ...trainingGuardSettings,
};

export const postTrainSettings = Type.Object({
  model: modelInput('Model to post-train: a name under models: or stage.output'),
  ...contrastiveTaskSettings,
  trainableLayers: trainableLayers(3, 'authors: the last 3 during post-training'),
  trainEmbeddings,
  snapshots: Type.Object(
    {
      count: Type.Integer({ minimum: 1, default: 4, description: 'Snapshots kept as teachers, M (authors: 4)' }),
      every: Type.Integer({ minimum: 1, default: 500, description: 'Steps between snapshots, K (authors: 500)' }),
      after: Type.Integer({
        minimum: 0,
        default: 0,
        description: 'Steps trained before snapshotting starts; snapshot k (1..M) is taken at step after + k * every',
      }),
    },
    { default: {}, additionalProperties: false, description: 'When snapshots of the post-trained model are kept' },
  ),
  loss: nestedComponent('loss', { type: 'infonce' }, 'Loss of the title/body task'),
  optimizer: adam(1e-4),
});

export const postTrainStage = defineStage({
  kind: 'stage',
  name: 'post-train',
  description:
    'Domain-specific post-training: the body is the anchor, its title the positive and other titles the negatives (InfoNCE); keeps M snapshots as teachers',
  settings: postTrainSettings,
  inputs: { model: 'model' },
  requiredInputs: ['model'],
  outputs: { model: 'model', snapshots: 'models' },
  async create(settings): Promise<StageRunner> {
    const { PostTrainRunner } = await import('./PostTrainRunner.ts');
    return new PostTrainRunner(settings);
  },
});
