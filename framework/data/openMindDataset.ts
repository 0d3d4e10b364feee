import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { MindDataset, MindSplit, SplitName } from '../../components/dataset/MindDataset.ts';
import { NewsCorpus } from './NewsCorpus.ts';
import { readBehaviors, type Impression } from './readBehaviors.ts';

/**
 * Opens MIND-format split directories: reads every split's `news.tsv` into one
 * corpus now and leaves `behaviors.tsv` on disk to be streamed. Raises an
 * error naming the path when a directory lacks either file.
 */
export async function openMindDataset(directories: Partial<Record<SplitName, string>>): Promise<MindDataset> {
  const entries = Object.entries(directories).filter((entry): entry is [SplitName, string] => entry[1] !== undefined);
  for (const [name, directory] of entries) {
    for (const file of ['news.tsv', 'behaviors.tsv']) {
      await access(join(directory, file)).catch(() => {
        throw new Error(`${name} split: ${join(directory, file)} not found; a MIND split directory must contain news.tsv and behaviors.tsv`);
      });
    }
  }

  const corpus = await NewsCorpus.read(entries.map(([, directory]) => join(directory, 'news.tsv')));
  const splits = new Map<SplitName, MindSplit>();
  for (const [name, directory] of entries) {
    const behaviorsFile = join(directory, 'behaviors.tsv');
    splits.set(name, {
      name,
      directory,
      behaviorsFile,
      impressions: (): AsyncIterable<Impression> => readBehaviors(behaviorsFile, { isKnownNews: (id) => corpus.has(id) }),
    });
  }
  return { corpus, split: (name) => splits.get(name) };
}
