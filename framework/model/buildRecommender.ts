import type { ClickPredictor } from '../../components/clickPredictor/ClickPredictor.ts';
import type { NewsEncoder } from '../../components/newsEncoder/NewsEncoder.ts';
import type { Tokenizer } from '../../components/tokenizer/Tokenizer.ts';
import type { UserEncoder } from '../../components/userEncoder/UserEncoder.ts';
import type { Random } from '../random/Random.ts';
import { COMPONENT_KINDS } from '../registry/componentKinds.ts';
import { BUILTIN_SOURCE, type Registry } from '../registry/Registry.ts';
import type { Logger } from '../run/Logger.ts';
import type { ModelSpec } from '../spec/Recipe.ts';
import type { ModelAssets } from './ModelAssets.ts';
import type { LabelVocabularies } from './TokenCache.ts';
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
  /** The corpus's category and subcategory vocabularies; without them every article has the unknown label. */
  readonly labels?: LabelVocabularies;
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
    categoryCount: context.labels?.categories.size ?? 1,
    subcategoryCount: context.labels?.subcategories.size ?? 1,
  });
  const userEncoder = await registry.create<UserEncoder>('userEncoder', spec.userEncoder, {
    newsSize: newsEncoder.outputSize,
    random: random.fork(`${label}.userEncoder`),
    users: context.users,
  });
  const clickPredictor = await registry.create<ClickPredictor>('clickPredictor', spec.clickPredictor, {});
  // The user encoder has already read the index (a cached promise), so awaiting it again reads nothing.
  const users = userEncoder.readsUserIds === true ? await context.users?.() : undefined;
  const assets: ModelAssets = {
    plugins: pluginSources(spec, registry),
    ...(context.labels === undefined ? {} : { labels: context.labels }),
    ...(users === undefined ? {} : { users }),
  };
  return new Recommender(label, spec, newsEncoder, userEncoder, clickPredictor, assets);
}

/**
 * Lists the plug-in modules that registered a component type used anywhere in
 * the model's settings, nested ones (a plm encoder's backbone) included.
 */
function pluginSources(spec: ModelSpec, registry: Registry): string[] {
  const sources = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const type = (value as { type?: unknown }).type;
    if (typeof type === 'string') {
      for (const kind of COMPONENT_KINDS) {
        const source = registry.sourceOf(kind, type);
        if (source !== undefined && source !== BUILTIN_SOURCE) sources.add(source);
      }
    }
    Object.values(value).forEach(visit);
  };
  visit(spec);
  return [...sources];
}
