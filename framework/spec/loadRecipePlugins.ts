import { resolve } from 'node:path';
import { loadPlugins } from '../plugins/loadPlugins.ts';
import type { Registry } from '../registry/Registry.ts';
import { composeRecipe } from './composeRecipe.ts';
import { pluginEntries } from './loadRecipe.ts';
import { RecipeError } from './RecipeError.ts';

/**
 * Registers the components of a recipe's plug-ins (those of the recipes it
 * extends included) without validating the rest of the recipe, for
 * `experiment components` and `experiment schema`.
 *
 * @throws RecipeError when a recipe file cannot be read or parsed, or a plug-in fails to load
 */
export async function loadRecipePlugins(file: string, registry: Registry, cwd = process.cwd()): Promise<void> {
  const absoluteFile = resolve(cwd, file);
  const composed = await composeRecipe(file, absoluteFile, { overrides: [], env: process.env });
  const issues = await loadPlugins(pluginEntries(composed.data.plugins, composed.pluginDirectory), registry);
  if (issues.length > 0) {
    throw new RecipeError(issues.map((issue) => composed.locate(issue)));
  }
}
