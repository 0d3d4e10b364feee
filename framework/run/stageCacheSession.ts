import { CorruptCheckpointError } from '../checkpoint/manifest.ts';
import type { ModelStore, StageCache } from '../cache/StageCache.ts';
import type { Recommender } from '../model/Recommender.ts';
import type { StageOutput } from '../training/StageContext.ts';
import type { Logger } from './Logger.ts';

/** A stage reused from the cache: its outputs and the final values to log again. */
export interface ReusedStage {
  readonly outputs: Record<string, StageOutput>;
  readonly finals: Readonly<Record<string, number>>;
  readonly directory: string;
  readonly description: string;
}

/**
 * Loads a stage's cache entry when there is a usable one. A corrupted entry
 * or one whose models cannot be loaded is removed with a warning, and the
 * stage runs again.
 */
export async function reuseCachedStage(
  cache: StageCache,
  key: string,
  stage: string,
  store: ModelStore,
  log: Logger,
): Promise<ReusedStage | undefined> {
  if (!cache.has(key)) return undefined;
  try {
    const { description, outputs } = await cache.load(key, store);
    return {
      outputs,
      finals: description.finals,
      directory: cache.entryDirectory(key),
      description: `written by run ${description.runId} at ${description.createdAt}`,
    };
  } catch (error) {
    const reason = error instanceof CorruptCheckpointError ? 'is corrupted' : 'cannot be loaded';
    log.warn(`stage ${stage}: the cache entry ${cache.entryDirectory(key)} ${reason} (${(error as Error).message}); it is removed and the stage runs again`);
    cache.remove(key);
    return undefined;
  }
}

/**
 * Stores a finished stage's outputs in the cache and returns them loaded back
 * from the entry, so that later stages see the same models whether this
 * stage ran now or comes from the cache. When storing or loading back fails,
 * it warns and returns the outputs as they are.
 */
export async function storeStageOutputs(
  cache: StageCache,
  key: string,
  about: { stage: string; type: string; recipe: string; runId: string; finals: Record<string, number> },
  outputs: Record<string, StageOutput>,
  store: ModelStore,
  log: Logger,
  inUse: ReadonlySet<Recommender>,
): Promise<Record<string, StageOutput>> {
  try {
    await cache.store(key, about, outputs, store);
  } catch (error) {
    log.warn(`stage ${about.stage}: its outputs could not be stored in the cache (${(error as Error).message}); a later run computes the stage again`);
    return outputs;
  }
  let reloaded: Record<string, StageOutput>;
  try {
    reloaded = (await cache.load(key, store)).outputs;
  } catch (error) {
    cache.remove(key);
    log.warn(`stage ${about.stage}: its models cannot be loaded back from the cache (${(error as Error).message}), so the stage is not cached`);
    return outputs;
  }
  // Models that other stages also output (a stage may pass its input through) stay alive.
  for (const model of modelsOf(outputs)) {
    if (!inUse.has(model)) model.dispose();
  }
  return reloaded;
}

/** Collects the distinct models of a stage's outputs. */
export function modelsOf(outputs: Readonly<Record<string, StageOutput>>): Recommender[] {
  const models = new Set<Recommender>();
  for (const output of Object.values(outputs)) {
    if (output.kind === 'model') models.add(output.model);
    if (output.kind === 'models') output.models.forEach((model) => models.add(model));
  }
  return [...models];
}
