import { basename, extname, resolve } from 'node:path';
import { loadPlugins, type PluginEntry } from '../plugins/loadPlugins.ts';
import type { ComponentSpec } from '../registry/ComponentDefinition.ts';
import type { Registry } from '../registry/Registry.ts';
import type { BackendName, LoadedRecipe, ModelSpec, Recipe } from './Recipe.ts';
import { composeRecipe, type ComposedRecipe } from './composeRecipe.ts';
import type { RecipeOverride } from './parseOverride.ts';
import { RecipeError, type SpecIssue } from './RecipeError.ts';
import type { PathIssue } from './SpecPath.ts';
import { validateRecipe } from './validateRecipe.ts';

export interface LoadRecipeOptions {
  /** Registry to validate against; the recipe's plug-ins register their components into it. */
  readonly registry: Registry;
  /** Directory that the recipe path and `output.directory` are relative to (default: the current directory). */
  readonly cwd?: string;
  /** `--set` flags applied after `extends` is merged, in order. */
  readonly overrides?: readonly RecipeOverride[];
  /** Variables for `${env:NAME}` (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Reads, composes and validates a recipe file: merges the recipes it
 * extends, interpolates environment variables, applies `--set` overrides,
 * loads its plug-ins into the registry, fills in every default, checks the
 * stage graph and returns the recipe with absolute paths and the stage order.
 *
 * @throws RecipeError listing every problem found, each with its file, line
 *   and column, or with the `--set` flag that gave the value
 */
export async function loadRecipe(file: string, options: LoadRecipeOptions): Promise<LoadedRecipe> {
  const cwd = options.cwd ?? process.cwd();
  const absoluteFile = resolve(cwd, file);
  const composed = await composeRecipe(file, absoluteFile, { overrides: options.overrides ?? [], env: options.env ?? process.env });
  const { data } = composed;

  const pluginIssues = await loadPlugins(pluginEntries(data.plugins, composed.pluginDirectory), options.registry);
  if (pluginIssues.length > 0) {
    // Without its plug-ins the recipe would also show unknown component types.
    throw fail(composed, pluginIssues);
  }

  const validation = validateRecipe(data, options.registry);
  if (validation.issues.length > 0) {
    throw fail(composed, validation.issues);
  }
  const recipe = toRecipe(validation.value as Record<string, unknown>, absoluteFile, composed.pluginDirectory, cwd);
  return { recipe, file: absoluteFile, source: composed.source, stageOrder: validation.stageOrder };
}

/** Plug-in entries of well-formed `plugins:` items; schema validation reports the others. */
export function pluginEntries(plugins: unknown, directory: string): PluginEntry[] {
  if (!Array.isArray(plugins)) {
    return [];
  }
  const entries: PluginEntry[] = [];
  plugins.forEach((written: unknown, index) => {
    if (typeof written === 'string' && written !== '') {
      entries.push({ file: resolve(directory, written), written, path: ['plugins', index] });
    }
  });
  return entries;
}

function fail(composed: ComposedRecipe, issues: readonly PathIssue[]): RecipeError {
  const located: SpecIssue[] = issues.map((issue) => composed.locate(issue));
  located.sort((a, b) => a.line - b.line || a.column - b.column);
  return new RecipeError(located);
}

/** The validated data as a `Recipe`; every default is present at this point. */
function toRecipe(value: Record<string, unknown>, file: string, pluginDirectory: string, cwd: string): Recipe {
  const output = value.output as { directory: string };
  return {
    name: typeof value.name === 'string' ? value.name : basename(file, extname(file)),
    seed: value.seed as number,
    backend: value.backend as BackendName,
    threads: value.threads as number | 'auto',
    plugins: (value.plugins as string[]).map((plugin) => resolve(pluginDirectory, plugin)),
    outputDirectory: resolve(cwd, output.directory),
    data: value.data as ComponentSpec,
    tracker: value.tracker as ComponentSpec,
    models: value.models as Record<string, ModelSpec>,
    stages: value.stages as Record<string, ComponentSpec>,
  };
}
