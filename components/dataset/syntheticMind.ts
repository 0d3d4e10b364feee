import { Type } from '@sinclair/typebox';
import { defineComponent } from '../../framework/registry/ComponentDefinition.ts';
import type { DatasetContext, MindDataset } from './MindDataset.ts';

/** A seeded MIND-format dataset that the project generates itself, for the quickstart and tests. */
export const syntheticMindDataset = defineComponent({
  kind: 'dataset',
  name: 'synthetic-mind',
  description:
    'Small generated MIND-format dataset (no download): topics carried by title and abstract words, users with hidden interests',
  settings: Type.Object({
    news: Type.Integer({ minimum: 2, default: 600, description: 'Number of news articles' }),
    users: Type.Integer({ minimum: 1, default: 300, description: 'Number of users' }),
    trainImpressions: Type.Integer({ minimum: 1, default: 1500, description: 'Impressions in the train split' }),
    devImpressions: Type.Integer({ minimum: 1, default: 300, description: 'Impressions in the dev split' }),
    testImpressions: Type.Integer({ minimum: 0, default: 0, description: 'Unlabelled impressions in a test split; 0 writes no test split' }),
    maxHistory: Type.Integer({
      minimum: 0,
      default: 50,
      description: 'Maximum clicks in a user history (each user gets 0 to this many); 50 is the history length the Tiny-NewsRec code keeps',
    }),
    seed: Type.Integer({ default: 1, description: 'Seed of the generator; the same settings always give the same files' }),
    directory: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'Where the files are written; by default .cache/datasets/synthetic-<hash of the settings> under the current working directory, reused when present',
      }),
    ),
  }),
  async create(settings, context: DatasetContext): Promise<MindDataset> {
    const { openSyntheticMind } = await import('../../framework/data/openSyntheticMind.ts');
    const { directory, ...options } = settings;
    return openSyntheticMind(options, directory === undefined ? undefined : context.resolvePath(directory));
  },
});
