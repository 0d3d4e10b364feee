import { canonicalJson } from '../cache/stageKey.ts';

/** One setting that differs between two resolved recipes. */
export interface RecipeChange {
  /** Dotted path, such as `stages.fine-tune.optimizer.learningRate`. */
  readonly path: string;
  /** JSON of the value, or `(absent)`. */
  readonly before: string;
  readonly after: string;
}

const ABSENT = '(absent)';

/**
 * Lists the settings that differ between two resolved recipes (plain JSON
 * values), object keys walked in sorted order. Arrays are compared whole.
 */
export function recipeChanges(before: unknown, after: unknown, path = ''): RecipeChange[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => recipeChanges(before[key], after[key], path === '' ? key : `${path}.${key}`));
  }
  if (canonicalJson(before) === canonicalJson(after)) return [];
  return [{ path, before: describe(before), after: describe(after) }];
}

/** Formats changes as `path: before -> after`, joined by '; '. */
export function formatRecipeChanges(changes: readonly RecipeChange[]): string {
  return changes.map((change) => `${change.path}: ${change.before} -> ${change.after}`).join('; ');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describe(value: unknown): string {
  return value === undefined ? ABSENT : canonicalJson(value);
}
