import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isStageDefinition } from '../graph/StageDefinition.ts';
import type { Registry } from '../registry/Registry.ts';
import type { Recipe } from '../spec/Recipe.ts';

/** Run facts that a stage's cache key is computed from, besides the stage itself. */
export interface StageKeyContext {
  readonly recipe: Recipe;
  readonly registry: Registry;
  /** Name of the backend the run selected; results differ slightly between backends. */
  readonly backend: string;
  readonly codeVersion: string;
  readonly resolvePath: (path: string) => string;
  /** Keys of the stages computed so far. */
  readonly stageKeys: ReadonlyMap<string, string>;
}

/**
 * Stage settings left out of the cache key because they cannot change a
 * stage's models or metrics: how often steps are logged and checkpoints are
 * written. `save` stays in the key, because a stage reused from the cache does
 * not write its models to the run directory.
 */
export const SETTINGS_OUTSIDE_KEY: readonly string[] = ['logEvery', 'checkpointEvery'];

/**
 * Computes the cache key of a stage: a SHA-256 of its resolved settings, the
 * run seed and backend, and the code version. The data component counts with
 * the identity (path, size, modification time) of every file it names. Each
 * input counts as its model entry with the identities of its checkpoint
 * files, or as the key of the stage whose output it reads.
 */
export function stageKey(stage: string, context: StageKeyContext): string {
  const { recipe, registry } = context;
  const settings = recipe.stages[stage];
  if (settings === undefined) throw new Error(`stage '${stage}' is not in the recipe`);
  const definition = registry.get('stage', settings.type);
  const inputFields = isStageDefinition(definition) ? Object.keys(definition.inputs) : [];
  const inputs: Record<string, unknown[]> = {};
  for (const field of inputFields) {
    const value = (settings as Record<string, unknown>)[field];
    if (value === undefined) continue;
    const references = Array.isArray(value) ? (value as string[]) : [value as string];
    inputs[field] = references.map((reference) => describeReference(reference, context));
  }
  const material = {
    format: 1,
    code: context.codeVersion,
    backend: context.backend,
    seed: recipe.seed,
    stage,
    settings: Object.fromEntries(Object.entries(settings).filter(([name]) => !SETTINGS_OUTSIDE_KEY.includes(name))),
    data: { spec: recipe.data, files: fileIdentities(recipe.data, context.resolvePath) },
    inputs,
  };
  return createHash('sha256').update(canonicalJson(material)).digest('hex').slice(0, 40);
}

function describeReference(reference: string, context: StageKeyContext): unknown {
  const dot = reference.indexOf('.');
  if (dot < 0) {
    const spec = context.recipe.models[reference];
    return { model: reference, spec, files: fileIdentities(spec, context.resolvePath) };
  }
  const stage = reference.slice(0, dot);
  const key = context.stageKeys.get(stage);
  if (key === undefined) throw new Error(`the key of stage '${stage}' is needed before it was computed`);
  return { stage: key, output: reference.slice(dot + 1) };
}

/** Path, size and modification time of every existing file or directory that a string value names. */
export function fileIdentities(value: unknown, resolvePath: (path: string) => string): Record<string, unknown> {
  const identities: Record<string, unknown> = {};
  const visit = (node: unknown): void => {
    if (typeof node === 'string') {
      if (node.length === 0 || node.includes('\n') || node.startsWith('hf:')) return;
      const path = resolvePath(node);
      if (existsSync(path)) identities[node] = identityOf(path, 2);
    } else if (Array.isArray(node)) {
      node.forEach(visit);
    } else if (node !== null && typeof node === 'object') {
      Object.values(node).forEach(visit);
    }
  };
  visit(value);
  return identities;
}

function identityOf(path: string, depth: number): unknown {
  const stats = statSync(path);
  if (!stats.isDirectory()) return { size: stats.size, mtimeMs: stats.mtimeMs };
  if (depth === 0) return { directory: true };
  const entries: Record<string, unknown> = {};
  for (const name of readdirSync(path).sort()) {
    entries[name] = identityOf(join(path, name), depth - 1);
  }
  return entries;
}

/** JSON with object keys sorted, so equal values always hash the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => compareCodeUnits(a, b));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Orders strings by UTF-16 code units, independent of the locale. */
function compareCodeUnits(a: string, b: string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}
