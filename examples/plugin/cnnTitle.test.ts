import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../framework/cli/main.ts';
import { createRegistry } from '../../framework/registry/createRegistry.ts';
import { runRecipe } from '../../framework/run/runRecipe.ts';
import { loadRecipe } from '../../framework/spec/loadRecipe.ts';

const RECIPE = 'examples/plugin/recipe.yaml';

async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (chunk: string) => ((stdout += chunk), true) },
    stderr: { write: (chunk: string) => ((stderr += chunk), true) },
  } as never);
  return { code, stdout, stderr };
}

describe('cnn-title plug-in', () => {
  it('is listed with the recipe', async () => {
    const result = await runCli(['components', '--json', '--recipe', RECIPE]);
    expect(result.code).toBe(0);
    const listing = JSON.parse(result.stdout).find((component: { name: string }) => component.name === 'cnn-title');
    expect(listing.kind).toBe('newsEncoder');
    expect(listing.source).toMatch(/examples\/plugin\/cnnTitle\.ts$/);
    expect(listing.settings.map((setting: { name: string }) => setting.name)).toEqual(['wordEmbedding', 'filters', 'window', 'dropout']);
  });

  it('is in the schema with the recipe', async () => {
    const result = await runCli(['schema', '--recipe', RECIPE]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Example plug-in: a CNN over the title words with max pooling over time');
  });

  it('rejects a bad setting with its position', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'plugin-bad-'));
    const text = readFileSync(RECIPE, 'utf8')
      .replace('filters: 16', 'filters: 0')
      .replace('./cnnTitle.ts', join(process.cwd(), 'examples/plugin/cnnTitle.ts'));
    const file = join(directory, 'bad.yaml');
    writeFileSync(file, text);
    const result = await runCli(['validate', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`${file}:21:16 models.cnn-title.newsEncoder.filters: must be >= 1, got 0\n`);
  });

  it('trains and evaluates in its recipe', { timeout: 120_000 }, async () => {
    const registry = createRegistry();
    const loaded = await loadRecipe(RECIPE, { registry });
    const recipe = { ...loaded.recipe, backend: 'wasm' as const, outputDirectory: mkdtempSync(join(tmpdir(), 'plugin-run-')) };
    const result = await runRecipe({ ...loaded, recipe }, registry, { info: () => {}, warn: () => {} });
    const metrics = JSON.parse(readFileSync(join(result.directory, 'metrics.json'), 'utf8')).evaluate;
    expect(metrics['fine-tune.models[0]/AUC']).toBeGreaterThan(0.5);
    expect(metrics['fine-tune.models[0]/impressions']).toBe(1500);
  });
});
