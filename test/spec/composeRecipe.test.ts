import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseOverrides } from '../../framework/cli/parseOverrides.ts';
import { createRegistry } from '../../framework/registry/createRegistry.ts';
import { mergeRecipeData } from '../../framework/spec/composeRecipe.ts';
import { loadRecipe } from '../../framework/spec/loadRecipe.ts';
import { parseOverride } from '../../framework/spec/parseOverride.ts';
import { RecipeError } from '../../framework/spec/RecipeError.ts';

const BASE = `data: { type: synthetic-mind }
models:
  m:
    tokenizer: { type: wordpiece, build: { vocabularySize: 100 } }
    newsEncoder: { type: nrms, heads: 2, headSize: 4 }
    userEncoder: { type: multi-head-self-attention, heads: 2, headSize: 4 }
    clickPredictor: { type: dot }
plugins: []
stages:
  tune:
    type: fine-tune
    models: m
    epochs: 2
  evaluate:
    type: evaluate
    models: tune.models
`;

function directoryWith(files: Record<string, string>): string {
  const directory = mkdtempSync(join(tmpdir(), 'compose-'));
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(directory, name), text);
  }
  return directory;
}

async function messagesOf(promise: Promise<unknown>): Promise<string[]> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RecipeError);
  return (error as RecipeError).message.split('\n');
}

describe('--set overrides', () => {
  it('parse paths and YAML values', () => {
    expect(parseOverride('stages.tune.optimizer.learningRate=2e-5')).toEqual({
      flag: '--set stages.tune.optimizer.learningRate=2e-5',
      path: ['stages', 'tune', 'optimizer', 'learningRate'],
      value: 2e-5,
    });
    expect(parseOverride('plugins[0]=./p.ts').path).toEqual(['plugins', 0]);
    expect(parseOverride("name='42'").value).toBe('42');
    expect(parseOverride('stages.evaluate.models=[a, b]').value).toEqual(['a', 'b']);
  });

  it('reject malformed flags naming them', () => {
    expect(() => parseOverrides(['epochs'])).toThrow("--set epochs: expected PATH=VALUE, such as 'stages.fine-tune.epochs=2'");
    expect(() => parseOverrides(['stages..x=1'])).toThrow("--set stages..x=1: invalid path segment ''");
    expect(() => parseOverrides(['seed=[1'])).toThrow('--set seed=[1: invalid YAML value');
  });

  it('apply after the file and validate', async () => {
    const directory = directoryWith({ 'r.yaml': BASE });
    const overrides = parseOverrides(['stages.tune.epochs=3', 'seed=9']);
    const { recipe } = await loadRecipe(join(directory, 'r.yaml'), { registry: createRegistry(), overrides });
    expect(recipe.stages.tune?.epochs).toBe(3);
    expect(recipe.seed).toBe(9);
  });

  it('report invalid values at the flag', async () => {
    const directory = directoryWith({ 'r.yaml': BASE });
    const overrides = parseOverrides(['stages.tune.epochs=0']);
    expect(await messagesOf(loadRecipe(join(directory, 'r.yaml'), { registry: createRegistry(), overrides }))).toEqual([
      '--set stages.tune.epochs=0 stages.tune.epochs: must be >= 1, got 0',
    ]);
  });

  it('report a path through a scalar', async () => {
    const directory = directoryWith({ 'r.yaml': BASE });
    const overrides = parseOverrides(['stages.tune.epochs.x=1']);
    expect(await messagesOf(loadRecipe(join(directory, 'r.yaml'), { registry: createRegistry(), overrides }))).toEqual([
      "--set stages.tune.epochs.x=1 stages.tune.epochs.x: cannot set 'x' inside a value that is not a mapping",
    ]);
  });

  it('own the mappings they create', async () => {
    const directory = directoryWith({ 'r.yaml': BASE });
    const overrides = parseOverrides(['seed.x=1']);
    expect(await messagesOf(loadRecipe(join(directory, 'r.yaml'), { registry: createRegistry(), overrides }))).toEqual([
      '--set seed.x=1 seed: must be an integer, got a mapping',
    ]);
  });
});

describe('extends', () => {
  it('merges mappings and replaces lists', () => {
    const merged = mergeRecipeData(
      { a: { b: 1, c: [1, 2] }, d: 'base' },
      { a: { c: [3] }, e: true },
    );
    expect(merged).toEqual({ a: { b: 1, c: [3] }, d: 'base', e: true });
  });

  it('builds a recipe on another', async () => {
    const directory = directoryWith({
      'base.yaml': BASE,
      'child.yaml': 'extends: base.yaml\nname: child\nstages:\n  tune:\n    epochs: 5\n',
    });
    const { recipe } = await loadRecipe(join(directory, 'child.yaml'), { registry: createRegistry() });
    expect(recipe.name).toBe('child');
    expect(recipe.stages.tune?.epochs).toBe(5);
    expect(recipe.stages.tune?.models).toBe('m');
  });

  it('locates errors in the file that set them', async () => {
    const directory = directoryWith({
      'base.yaml': BASE,
      'child.yaml': 'extends: base.yaml\nstages:\n  tune:\n    epochs: -1\n',
    });
    const messages = await messagesOf(loadRecipe(join(directory, 'child.yaml'), { registry: createRegistry() }));
    expect(messages).toEqual([`${join(directory, 'child.yaml')}:4:13 stages.tune.epochs: must be >= 1, got -1`]);

    const broken = directoryWith({ 'base.yaml': BASE.replace('epochs: 2', 'epochs: 0'), 'child.yaml': 'extends: base.yaml\n' });
    const baseMessages = await messagesOf(loadRecipe(join(broken, 'child.yaml'), { registry: createRegistry() }));
    expect(baseMessages).toEqual(['base.yaml:13:13 stages.tune.epochs: must be >= 1, got 0']);
  });

  it('reports a missing parent and a cycle', async () => {
    const directory = directoryWith({ 'a.yaml': 'extends: b.yaml\n', 'b.yaml': 'extends: a.yaml\n', 'c.yaml': 'extends: nowhere.yaml\n' });
    const missing = await messagesOf(loadRecipe(join(directory, 'c.yaml'), { registry: createRegistry() }));
    expect(missing).toEqual([`${join(directory, 'c.yaml')}:1:10 extends: recipe file not found: ${join(directory, 'nowhere.yaml')}`]);
    const cycle = await messagesOf(loadRecipe(join(directory, 'a.yaml'), { registry: createRegistry() }));
    expect(cycle).toEqual([
      `b.yaml:1:10 extends: extends forms a cycle: ${join(directory, 'a.yaml')} -> ${join(directory, 'b.yaml')} -> ${join(directory, 'a.yaml')}`,
    ]);
  });
});

describe('env interpolation', () => {
  it('fills whole values as YAML and parts as text', async () => {
    const directory = directoryWith({
      'r.yaml': `${BASE}seed: \${env:SEED}\nname: run-\${env:TAG:-dev}\n`,
    });
    const { recipe } = await loadRecipe(join(directory, 'r.yaml'), { registry: createRegistry(), env: { SEED: '7' } });
    expect(recipe.seed).toBe(7);
    expect(recipe.name).toBe('run-dev');
  });

  it('reports an unset variable at its value', async () => {
    const directory = directoryWith({ 'r.yaml': `${BASE}seed: \${env:NEWSREC_UNSET}\n` });
    const messages = await messagesOf(loadRecipe(join(directory, 'r.yaml'), { registry: createRegistry(), env: {} }));
    expect(messages).toEqual([
      `${join(directory, 'r.yaml')}:17:7 seed: environment variable NEWSREC_UNSET is not set; set it or give a default: \${env:NEWSREC_UNSET:-VALUE}`,
    ]);
  });
});
