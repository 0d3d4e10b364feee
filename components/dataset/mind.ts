import { Type } from '@sinclair/typebox';
import { defineComponent } from '../../framework/registry/ComponentDefinition.ts';
import type { DatasetContext, MindDataset } from './MindDataset.ts';

/** MIND or any dataset in its format, read from split directories on disk. */
export const mindDataset = defineComponent({
  kind: 'dataset',
  name: 'mind',
  description: 'MIND-format data from split directories that each contain news.tsv and behaviors.tsv',
  settings: Type.Object({
    train: Type.String({ minLength: 1, description: 'Training split directory (e.g. MINDsmall_train), relative to the recipe file' }),
    dev: Type.Optional(Type.String({ minLength: 1, description: 'Validation split directory (e.g. MINDsmall_dev); evaluation uses it' })),
    test: Type.Optional(Type.String({ minLength: 1, description: 'Test split directory; MIND test impressions carry no labels, so it is only scored for prediction' })),
  }),
  async create(settings, context: DatasetContext): Promise<MindDataset> {
    const { openMindDataset } = await import('../../framework/data/openMindDataset.ts');
    return openMindDataset({
      train: context.resolvePath(settings.train),
      dev: settings.dev === undefined ? undefined : context.resolvePath(settings.dev),
      test: settings.test === undefined ? undefined : context.resolvePath(settings.test),
    });
  },
});
