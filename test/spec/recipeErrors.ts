import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { Registry } from '../../framework/registry/Registry.ts';
import { loadRecipe } from '../../framework/spec/loadRecipe.ts';
import { formatIssue, RecipeError } from '../../framework/spec/RecipeError.ts';
import { TEST_COMPONENTS } from '../fixtures/recipes/plugins/testComponents.ts';

const directory = mkdtempSync(join(tmpdir(), 'newsrec-recipes-'));
let counter = 0;

/** A registry with the test stand-ins of every component family. */
export function testRegistry(): Registry {
  const registry = new Registry();
  for (const definition of TEST_COMPONENTS) {
    registry.register(definition);
  }
  return registry;
}

/** Writes recipe text to a fresh file and returns its path. */
export function writeRecipe(text: string, name = `recipe-${++counter}.yaml`): string {
  const file = join(directory, name);
  writeFileSync(file, text);
  return file;
}

/** The formatted issues of loading a recipe file, with the file name cut to `R`. */
export async function issuesOf(file: string, registry = testRegistry()): Promise<string[]> {
  try {
    await loadRecipe(file, { registry });
  } catch (error) {
    expect(error).toBeInstanceOf(RecipeError);
    return (error as RecipeError).issues.map((issue) => formatIssue({ ...issue, file: 'R' }));
  }
  return [];
}

/** The standard head of a test recipe: data and two complete models. */
export const MODELS = `data: { type: toy }
models:
  teacher:
    tokenizer: { type: wordpiece }
    newsEncoder: { type: plm, backbone: { type: bert } }
    userEncoder: { type: additive-attention }
    clickPredictor: { type: dot }
  student:
    tokenizer: { type: wordpiece }
    newsEncoder: { type: plm, backbone: { type: bert, layers: 1 } }
    userEncoder: { type: additive-attention }
    clickPredictor: { type: dot }
`;
