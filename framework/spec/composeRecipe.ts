import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { interpolateEnv } from './interpolateEnv.ts';
import { applyOverride, OverrideError, type RecipeOverride } from './parseOverride.ts';
import { RecipeDocument } from './RecipeDocument.ts';
import { RecipeError, type SpecIssue } from './RecipeError.ts';
import { formatSpecPath, type PathIssue } from './SpecPath.ts';

/** One file of an `extends` chain, its data already interpolated and without `extends`. */
interface RecipeLayer {
  readonly document: RecipeDocument;
  readonly data: Record<string, unknown>;
  /** Directory of the file, which its relative `plugins:` paths are relative to. */
  readonly directory: string;
}

/** Recipe data merged from its `extends` chain and the `--set` flags, with a way back to where each value came from. */
export interface ComposedRecipe {
  readonly data: Record<string, unknown>;
  /** The text of the recipe file itself. */
  readonly source: string;
  /** Directory that the merged `plugins:` entries are relative to: that of the last file that lists them. */
  readonly pluginDirectory: string;
  /** Gives an issue the file position, or the `--set` flag, of the value it is about. */
  locate(issue: PathIssue): SpecIssue;
}

export interface ComposeOptions {
  readonly overrides: readonly RecipeOverride[];
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * Reads a recipe and the recipes it `extends` (a path or a list of paths,
 * relative to the file that names them) and interpolates `${env:NAME}` in
 * each. Then it deep-merges them and applies the `--set` overrides: mappings
 * merge key by key and the extending file wins, while lists and other values
 * are replaced whole.
 * Relative `plugins:` paths stay relative to the file that lists them.
 *
 * @throws RecipeError with every problem found, each at its file position or flag
 */
export async function composeRecipe(file: string, absoluteFile: string, options: ComposeOptions): Promise<ComposedRecipe> {
  const layers: RecipeLayer[] = [];
  const source = await readLayers(file, absoluteFile, options.env, [], layers);
  const documents = layers.map((layer) => layer.document).reverse();
  const locate = (issue: PathIssue): SpecIssue => {
    // A flag owns the values under its path, and the mappings it created on the way there.
    const inFiles = documents.some((document) => document.reach(issue.path) === issue.path.length);
    const override = [...options.overrides]
      .reverse()
      .find((candidate) => startsWith(issue.path, candidate.path) || (!inFiles && startsWith(candidate.path, issue.path)));
    if (override !== undefined) {
      return { file: override.flag, line: 0, column: 0, path: formatSpecPath(issue.path), message: issue.message };
    }
    // The file that defines the deepest part of the path; the extending file wins ties.
    let best = documents[0] as RecipeDocument;
    for (const document of documents) {
      if (document.reach(issue.path) > best.reach(issue.path)) best = document;
    }
    return best.locate(issue);
  };

  let data: Record<string, unknown> = {};
  for (const layer of layers) {
    data = mergeRecipeData(data, layer.data);
  }
  const problems: SpecIssue[] = [];
  for (const override of options.overrides) {
    try {
      applyOverride(data, override);
    } catch (error) {
      if (!(error instanceof OverrideError)) throw error;
      problems.push({ file: override.flag, line: 0, column: 0, path: formatSpecPath(override.path), message: error.message.slice(override.flag.length + 2) });
    }
  }
  if (problems.length > 0) {
    throw new RecipeError(problems);
  }
  const pluginLayer = [...layers].reverse().find((layer) => layer.data.plugins !== undefined);
  const pluginDirectory = pluginLayer?.directory ?? dirname(absoluteFile);
  return { data, source, pluginDirectory, locate };
}

/**
 * Deep-merges `over` onto `base`: mappings merge key by key, anything else
 * (lists included) in `over` replaces what `base` has. Neither input changes.
 */
export function mergeRecipeData(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = merged[key];
    merged[key] = isMapping(current) && isMapping(value) ? mergeRecipeData(current, value) : value;
  }
  return merged;
}

/** Reads a file and, first, the files it extends, appending each to `layers` base first; returns the file's text. */
async function readLayers(
  file: string,
  absoluteFile: string,
  env: ComposeOptions['env'],
  chain: readonly string[],
  layers: RecipeLayer[],
): Promise<string> {
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
  const envIssues = interpolateEnv(data, env);
  if (envIssues.length > 0) {
    throw new RecipeError(envIssues.map((issue) => document.locate(issue)));
  }

  const { extends: parents, ...own } = data;
  const directory = dirname(absoluteFile);
  for (const [index, parent] of extendsList(parents, document).entries()) {
    const parentFile = resolve(directory, parent);
    const path = Array.isArray(parents) ? ['extends', index] : ['extends'];
    if (parentFile === absoluteFile || chain.includes(parentFile)) {
      const cycle = [...chain, absoluteFile, parentFile].join(' -> ');
      throw new RecipeError([document.locate({ path, message: `extends forms a cycle: ${cycle}`, anchor: 'value' })]);
    }
    await readLayers(parent, parentFile, env, [...chain, absoluteFile], layers).catch((error: unknown) => {
      // A missing parent is reported at the `extends` entry that names it.
      if (error instanceof RecipeError && error.issues.length === 1 && error.issues[0]?.line === 0 && error.issues[0].file === parent) {
        throw new RecipeError([document.locate({ path, message: `${error.issues[0].message}: ${parentFile}`, anchor: 'value' })]);
      }
      throw error;
    });
  }
  layers.push({ document, data: own, directory });
  return source;
}

function extendsList(value: unknown, document: RecipeDocument): string[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  if (list.every((item) => typeof item === 'string' && item !== '')) {
    return list as string[];
  }
  throw new RecipeError([
    document.locate({ path: ['extends'], message: 'must be a recipe path or a list of recipe paths', anchor: 'value' }),
  ]);
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

function startsWith(path: readonly (string | number)[], prefix: readonly (string | number)[]): boolean {
  return prefix.length <= path.length && prefix.every((segment, index) => String(path[index]) === String(segment));
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
