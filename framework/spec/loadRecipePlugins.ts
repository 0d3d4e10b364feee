import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { loadPlugins } from '../plugins/loadPlugins.ts';
import type { Registry } from '../registry/Registry.ts';
import { pluginEntries } from './loadRecipe.ts';
import { RecipeDocument } from './RecipeDocument.ts';
import { RecipeError } from './RecipeError.ts';

/**
 * Registers the components of a recipe's plug-ins without validating the rest
 * of the recipe, for `experiment components` and `experiment schema`.
 *
 * @throws RecipeError when the file cannot be read or parsed, or a plug-in fails to load
 */
export async function loadRecipePlugins(file: string, registry: Registry, cwd = process.cwd()): Promise<void> {
  const absoluteFile = resolve(cwd, file);
  let source: string;
  try {
    source = await readFile(absoluteFile, 'utf8');
  } catch (error) {
    throw new RecipeError([{ file, line: 0, column: 0, path: '', message: `cannot read the recipe file: ${(error as Error).message}` }], {
      cause: error,
    });
  }
  const document = RecipeDocument.parse(source, file);
  if (document.issues.length > 0) {
    throw new RecipeError(document.issues);
  }
  const data = document.toData() as { plugins?: unknown } | null;
  const issues = await loadPlugins(pluginEntries(data?.plugins, dirname(absoluteFile)), registry);
  if (issues.length > 0) {
    throw new RecipeError(issues.map((issue) => document.locate(issue)));
  }
}
