import type { Random } from '../random/Random.ts';
import type { NewsCorpus } from './NewsCorpus.ts';

/**
 * One domain-specific post-training example: the abstract of `news` is the
 * anchor, its own title the positive and the titles of `negatives` the negatives.
 */
export interface PostTrainSample {
  readonly news: number;
  /** Corpus indices of other articles whose titles serve as negatives. */
  readonly negatives: number[];
}

export interface PostTrainSampleOptions {
  /** Negative titles per sample. */
  readonly negatives: number;
}

/**
 * Yields one pass over the articles that have an abstract, in random order,
 * each with `negatives` distinct other articles drawn uniformly from the whole
 * corpus (with repeats only when the corpus is too small for distinct ones).
 * Raises an error when no article has an abstract.
 */
export function* postTrainSamples(corpus: NewsCorpus, random: Random, options: PostTrainSampleOptions): Generator<PostTrainSample> {
  const withAbstract: number[] = [];
  for (let index = 0; index < corpus.size; index++) {
    if ((corpus.abstracts[index] as string).trim().length > 0) {
      withAbstract.push(index);
    }
  }
  if (withAbstract.length === 0) {
    throw new Error('post-training needs news with abstracts, but no article of the dataset has one');
  }
  if (corpus.size < 2 && options.negatives > 0) {
    throw new Error('post-training needs at least two news articles to draw negative titles');
  }

  random.shuffle(withAbstract);
  const distinct = corpus.size - 1 >= options.negatives;
  for (const news of withAbstract) {
    const negatives: number[] = [];
    while (negatives.length < options.negatives) {
      const other = random.int(corpus.size);
      if (other !== news && (!distinct || !negatives.includes(other))) {
        negatives.push(other);
      }
    }
    yield { news, negatives };
  }
}
