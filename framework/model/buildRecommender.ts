import type { ClickPredictor } from '../../components/clickPredictor/ClickPredictor.ts';
import type { NewsEncoder } from '../../components/newsEncoder/NewsEncoder.ts';
import type { Tokenizer } from '../../components/tokenizer/Tokenizer.ts';
import type { UserEncoder } from '../../components/userEncoder/UserEncoder.ts';
import type { Random } from '../random/Random.ts';
import type { Registry } from '../registry/Registry.ts';
import type { Logger } from '../run/Logger.ts';
import type { ModelSpec } from '../spec/Recipe.ts';
import type { UserIndex } from './UserIndex.ts';
import { Recommender } from './Recommender.ts';

/** What building a model from its recipe entry needs. */
export interface ModelBuildContext {
  readonly registry: Registry;
  readonly random: Random;
  readonly log: Logger;
  /** Texts a tokenizer may learn its vocabulary from (titles and abstracts of the corpus). */
  readonly texts: () => Iterable<string>;
  readonly resolvePath: (path: string) => string;
  /** Indices of the training users, for user encoders with a user-ID embedding. */
  readonly users?: () => Promise<UserIndex>;
  /** Sizes of the corpus's category and subcategory vocabularies (unknown id included); 1 each when left out. */
  readonly labelCounts?: { readonly categories: number; readonly subcategories: number };
}

/** Builds a recommender from a `models:` entry: tokenizer, news encoder, user encoder, click predictor. */
export async function buildRecommender(label: string, spec: ModelSpec, context: ModelBuildContext): Promise<Recommender> {
  const { registry, random, resolvePath } = context;
  const log = (message: string) => context.log.info(`${label}: ${message}`);

  const tokenizer = await registry.create<Tokenizer>('tokenizer', spec.tokenizer, {
    texts: context.texts,
    resolvePath,
  });
  const newsEncoder = await registry.create<NewsEncoder>('newsEncoder', spec.newsEncoder, {
    registry,
    tokenizer,
    random: random.fork(`${label}.newsEncoder`),
    resolvePath,
    log,
    categoryCount: context.labelCounts?.categories ?? 1,
    subcategoryCount: context.labelCounts?.subcategories ?? 1,
  });
  const userEncoder = await registry.create<UserEncoder>('userEncoder', spec.userEncoder, {
    newsSize: newsEncoder.outputSize,
    random: random.fork(`${label}.userEncoder`),
    users: context.users,
  });
  const clickPredictor = await registry.create<ClickPredictor>('clickPredictor', spec.clickPredictor, {});
  return new Recommender(label, spec, newsEncoder, userEncoder, clickPredictor);
}
