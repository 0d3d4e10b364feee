import type { Recommender } from '../model/Recommender.ts';
import type { NewsField, TokenCache } from '../model/TokenCache.ts';
import type { UserIndex } from '../model/UserIndex.ts';
import type { NewsSource } from './encodeNews.ts';
import type { StageContext } from './StageContext.ts';

/** The corpus features for a model's tokenizer, read by the given text field. */
export function newsSource(tokens: TokenCache, model: Recommender, field: NewsField, length: number): NewsSource {
  return { features: tokens.features(model.tokenizer), field, length };
}

/**
 * The run's user index when one of the models reads user ids, else undefined,
 * so that stages of other models do not read the training behaviors for it.
 */
export async function userIndexFor(context: StageContext, models: readonly Recommender[]): Promise<UserIndex | undefined> {
  return models.some((model) => model.userEncoder.readsUserIds === true) ? context.users() : undefined;
}
