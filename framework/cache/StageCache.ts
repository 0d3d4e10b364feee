import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureDiskSpace } from '../checkpoint/ensureDiskSpace.ts';
import { listFiles, verifyManifest, writeManifest } from '../checkpoint/manifest.ts';
import type { Recommender } from '../model/Recommender.ts';
import { replaceDirectory } from '../run/replaceDirectory.ts';
import { writeFileAtomic } from '../run/writeFileAtomic.ts';
import type { MetricValues, StageOutput } from '../training/StageContext.ts';

/** Environment variable that sets the cache directory when `--cache-dir` is not given. */
export const CACHE_DIRECTORY_VARIABLE = 'NEWSREC_CACHE_DIR';

/** Name of an entry's description file. */
const ENTRY_FILE = 'entry.json';

/** Stored form of a stage output: models by their index in `models`, metrics inline. */
export type StoredOutput =
  | { readonly kind: 'model'; readonly model: number }
  | { readonly kind: 'models'; readonly models: readonly number[] }
  | { readonly kind: 'metrics'; readonly metrics: Readonly<Record<string, MetricValues>> };

/** The contents of `entry.json`. */
export interface CacheEntryDescription {
  readonly key: string;
  readonly stage: string;
  readonly type: string;
  readonly recipe: string;
  readonly runId: string;
  readonly createdAt: string;
  /** Directories (relative to the entry) of the saved models, by index. */
  readonly models: readonly string[];
  readonly outputs: Readonly<Record<string, StoredOutput>>;
  /** Final values the stage logged (evaluate's metrics), replayed into a run that reuses the entry. */
  readonly finals: Readonly<Record<string, number>>;
}

/** One entry as `experiment cache ls` shows it. */
export interface CacheEntrySummary {
  readonly key: string;
  readonly directory: string;
  readonly stage: string;
  readonly type: string;
  readonly recipe: string;
  readonly runId: string;
  readonly createdAt: string;
  /** Time of the last store or reuse, milliseconds since the Unix epoch. */
  readonly lastUsed: number;
  readonly bytes: number;
}

/** Saves and loads models; saveRecommender and loadRecommender in runs, injected so the cache needs no registry. */
export interface ModelStore {
  save(model: Recommender, directory: string): Promise<void>;
  load(directory: string): Promise<Recommender>;
}

/**
 * Stage outputs stored by cache key under one directory: `<key>/entry.json`,
 * one saveRecommender directory per model, and `manifest.json` with the size
 * and SHA-256 of every file. Entries are written to a temporary directory
 * and renamed into place, and verified against the manifest before reuse.
 */
export class StageCache {
  constructor(readonly directory: string) {}

  entryDirectory(key: string): string {
    return join(this.directory, key);
  }

  has(key: string): boolean {
    return existsSync(join(this.entryDirectory(key), ENTRY_FILE));
  }

  /** Reads and verifies an entry and loads its outputs; raises CorruptCheckpointError when a file differs from the manifest. */
  async load(key: string, store: ModelStore): Promise<{ description: CacheEntryDescription; outputs: Record<string, StageOutput> }> {
    const directory = this.entryDirectory(key);
    verifyManifest(directory);
    const description = JSON.parse(readFileSync(join(directory, ENTRY_FILE), 'utf8')) as CacheEntryDescription;
    const models: Recommender[] = [];
    for (const model of description.models) models.push(await store.load(join(directory, model)));
    const outputs: Record<string, StageOutput> = {};
    for (const [name, stored] of Object.entries(description.outputs)) {
      if (stored.kind === 'metrics') outputs[name] = { kind: 'metrics', metrics: stored.metrics };
      else if (stored.kind === 'model') outputs[name] = { kind: 'model', model: models[stored.model] as Recommender };
      else outputs[name] = { kind: 'models', models: stored.models.map((index) => models[index] as Recommender) };
    }
    const now = new Date();
    utimesSync(join(directory, ENTRY_FILE), now, now);
    return { description, outputs };
  }

  /**
   * Stores a stage's outputs under its key, each distinct model once, after
   * checking that the disk has room for them.
   */
  async store(
    key: string,
    about: Omit<CacheEntryDescription, 'key' | 'models' | 'outputs' | 'createdAt'>,
    outputs: Readonly<Record<string, StageOutput>>,
    store: ModelStore,
  ): Promise<void> {
    const distinct: Recommender[] = [];
    const indexOf = (model: Recommender): number => {
      const known = distinct.indexOf(model);
      if (known >= 0) return known;
      distinct.push(model);
      return distinct.length - 1;
    };
    const stored: Record<string, StoredOutput> = {};
    for (const [name, output] of Object.entries(outputs)) {
      if (output.kind === 'model') stored[name] = { kind: 'model', model: indexOf(output.model) };
      else if (output.kind === 'models') stored[name] = { kind: 'models', models: output.models.map(indexOf) };
      else stored[name] = { kind: 'metrics', metrics: output.metrics };
    }
    const bytes = distinct.reduce((total, model) => total + model.weights().reduce((sum, weight) => sum + 4 * weight.variable.size, 0), 1 << 20);
    mkdirSync(this.directory, { recursive: true });
    ensureDiskSpace(this.directory, bytes, `the cache entry of stage ${about.stage}`);

    const temporary = join(this.directory, `.tmp-${key}-${process.pid}`);
    rmSync(temporary, { recursive: true, force: true });
    mkdirSync(temporary, { recursive: true });
    const models = distinct.map((_, index) => `model-${index}`);
    for (const [index, model] of distinct.entries()) {
      await store.save(model, join(temporary, models[index] as string));
    }
    const description: CacheEntryDescription = { key, ...about, createdAt: new Date().toISOString(), models, outputs: stored };
    writeFileAtomic(join(temporary, ENTRY_FILE), `${JSON.stringify(description, null, 2)}\n`);
    writeManifest(temporary);
    replaceDirectory(temporary, this.entryDirectory(key));
  }

  remove(key: string): void {
    rmSync(this.entryDirectory(key), { recursive: true, force: true });
  }

  /** Lists every complete entry, most recently used first, without the temporary directories of interrupted stores. */
  list(): CacheEntrySummary[] {
    if (!existsSync(this.directory)) return [];
    const entries: CacheEntrySummary[] = [];
    for (const name of readdirSync(this.directory)) {
      const directory = join(this.directory, name);
      const entryFile = join(directory, ENTRY_FILE);
      if (name.startsWith('.') || !existsSync(entryFile)) continue;
      let description: CacheEntryDescription;
      try {
        description = JSON.parse(readFileSync(entryFile, 'utf8')) as CacheEntryDescription;
      } catch {
        continue;
      }
      const bytes = listFiles(directory).reduce((total, file) => total + statSync(file).size, 0);
      entries.push({
        key: description.key,
        directory,
        stage: description.stage,
        type: description.type,
        recipe: description.recipe,
        runId: description.runId,
        createdAt: description.createdAt,
        lastUsed: statSync(entryFile).mtimeMs,
        bytes,
      });
    }
    return entries.sort((a, b) => b.lastUsed - a.lastUsed);
  }

  /** Temporary directories left by stores that were killed; prune removes them. */
  leftovers(): string[] {
    if (!existsSync(this.directory)) return [];
    return readdirSync(this.directory)
      .filter((name) => name.startsWith('.tmp-') || name.includes('.old-'))
      .map((name) => join(this.directory, name));
  }
}

/** Returns the stage cache directory: the flag's value, else NEWSREC_CACHE_DIR, else `<output directory>/.stage-cache`. */
export function resolveCacheDirectory(outputDirectory: string, flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag ?? env[CACHE_DIRECTORY_VARIABLE];
  return chosen !== undefined && chosen !== '' ? resolve(chosen) : join(outputDirectory, '.stage-cache');
}
