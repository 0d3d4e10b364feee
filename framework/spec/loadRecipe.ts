import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import { loadPlugins, type PluginEntry } from '../plugins/loadPlugins.ts';
import type { ComponentSpec } from '../registry/ComponentDefinition.ts';
import type { Registry } from '../registry/Registry.ts';
import type { BackendName, LoadedRecipe, ModelSpec, Recipe } from './Recipe.ts';
import { RecipeDocument } from './RecipeDocument.ts';
import { RecipeError, type SpecIssue } from './RecipeError.ts';
import type { PathIssue } from './SpecPath.ts';
import { validateRecipe } from './validateRecipe.ts';

export interface LoadRecipeOptions {
  /** Registry to validate against; the recipe's plug-ins register their components into it. */
  readonly registry: Registry;
  /** Directory that the recipe path and `output.directory` are relative to (default: the current directory). */
  readonly cwd?: string;
}

/**
 * Reads, parses and validates a recipe file: loads its plug-ins into the
 * registry, fills in every default, checks the stage graph and returns the
 * recipe with absolute paths and the stage order.
 *
 * @throws RecipeError listing every problem found in the file, each with its
 *   line and column
 */
export async function loadRecipe(file: string, options: LoadRecipeOptions): Promise<LoadedRecipe> {
  const cwd = options.cwd ?? process.cwd();
  const absoluteFile = resolve(cwd, file);
  const source = await readSource(file, absoluteFile);

  const document = RecipeDocument.parse(source, file);
  if (document.issues.length > 0) {
    throw new RecipeError(document.issues);
  }
  const data = document.toData();
  if (!isMapping(data)) {
    const message = data == null ? 'the recipe is empty' : 'the recipe must be a mapping of fields such as data, models and stages';
    throw new RecipeError([document.locate({ path: [], message, anchor: 'value' })]);
  }

  const pluginIssues = await loadPlugins(pluginEntries(data.plugins, dirname(absoluteFile)), options.registry);
  if (pluginIssues.length > 0) {
    // Without its plug-ins the recipe would also show unknown component types.
    throw fail(document, pluginIssues);
  }

  const validation = validateRecipe(data, options.registry);
  if (validation.issues.length > 0) {
    throw fail(document, validation.issues);
  }
  const recipe = toRecipe(validation.value as Record<string, unknown>, absoluteFile, cwd);
  return { recipe, file: absoluteFile, source, stageOrder: validation.stageOrder };
}

async function readSource(file: string, absoluteFile: string): Promise<string> {
  try {
    return await readFile(absoluteFile, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'recipe file not found' : `cannot read the recipe file: ${(error as Error).message}`;
    throw new RecipeError([{ file, line: 0, column: 0, path: '', message }], { cause: error });
  }
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

function fail(document: RecipeDocument, issues: readonly PathIssue[]): RecipeError {
  const located: SpecIssue[] = issues.map((issue) => document.locate(issue));
  located.sort((a, b) => a.line - b.line || a.column - b.column);
  return new RecipeError(located);
}

/** The validated data as a `Recipe`; every default is present at this point. */
function toRecipe(value: Record<string, unknown>, file: string, cwd: string): Recipe {
  const directory = dirname(file);
  const output = value.output as { directory: string };
  return {
    name: typeof value.name === 'string' ? value.name : basename(file, extname(file)),
    seed: value.seed as number,
    backend: value.backend as BackendName,
    plugins: (value.plugins as string[]).map((plugin) => resolve(directory, plugin)),
    outputDirectory: resolve(cwd, output.directory),
    data: value.data as ComponentSpec,
    tracker: value.tracker as ComponentSpec,
    models: value.models as Record<string, ModelSpec>,
    stages: value.stages as Record<string, ComponentSpec>,
  };
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
