import type { Impression } from '../../framework/data/readBehaviors.ts';
import type { NewsCorpus } from '../../framework/data/NewsCorpus.ts';

export type SplitName = 'train' | 'dev' | 'test';

/** One split of a MIND-format dataset: a directory with `news.tsv` and `behaviors.tsv`. */
export interface MindSplit {
  readonly name: SplitName;
  /** Absolute path of the split directory. */
  readonly directory: string;
  /** Absolute path of the split's `behaviors.tsv`. */
  readonly behaviorsFile: string;
  /**
   * Streams the split's impressions from disk, one row at a time, each call
   * starting a new pass over the file. Every news id is checked against the corpus.
   */
  impressions(): AsyncIterable<Impression>;
}

/** The runtime object that every dataset component produces. */
export interface MindDataset {
  /** News of all splits; samples and batches refer to articles by corpus index. */
  readonly corpus: NewsCorpus;
  /** The split, or undefined when the dataset has none under that name. */
  split(name: SplitName): MindSplit | undefined;
}

/** What dataset factories receive from the runner. */
export interface DatasetContext {
  /** Resolves a path written in a recipe (relative paths are relative to the recipe file). */
  resolvePath(path: string): string;
}
