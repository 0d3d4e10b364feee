import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRegistry } from '../../framework/registry/createRegistry.ts';
import type { Logger } from '../../framework/run/Logger.ts';
import { runRecipe } from '../../framework/run/runRecipe.ts';
import { loadRecipe } from '../../framework/spec/loadRecipe.ts';
import { parseOverride } from '../../framework/spec/parseOverride.ts';
import { requireMiniLm } from '../model/checkpointDirectory.ts';

const silent = { info: () => {}, warn: () => {} };

/** Runs a recipe of experiments/ci on the wasm backend with its run directory in a temporary folder. */
async function runCiRecipe(name: string, overrides: readonly string[] = [], log: Logger = silent): Promise<Record<string, number>> {
  const registry = createRegistry();
  const loaded = await loadRecipe(`experiments/ci/${name}.yaml`, { registry, overrides: overrides.map(parseOverride) });
  const outputDirectory = mkdtempSync(join(tmpdir(), `newsrec-${name}-`));
  const recipe = { ...loaded.recipe, backend: 'wasm' as const, outputDirectory };
  const result = await runRecipe({ ...loaded, recipe }, registry, log);
  const metrics = JSON.parse(readFileSync(join(result.directory, 'metrics.json'), 'utf8')).evaluate as Record<string, number>;
  return metrics;
}

function expectRankingMetrics(metrics: Record<string, number>): void {
  for (const metric of ['AUC', 'MRR', 'nDCG@5', 'nDCG@10']) {
    const value = metrics[`fine-tune.models[0]/${metric}`];
    expect(value, metric).toBeGreaterThan(0);
    expect(value, metric).toBeLessThanOrEqual(1);
  }
  expect(metrics['fine-tune.models[0]/impressions']).toBe(1500);
}

describe('CI-sized recipes', () => {
  it('nrms trains and evaluates', { timeout: 120_000 }, async () => {
    expectRankingMetrics(await runCiRecipe('nrms'));
  });

  it('nrms trains streamed samples', { timeout: 120_000 }, async () => {
    const messages: string[] = [];
    const log = { info: (message: string) => messages.push(message), warn: () => {} };
    expectRankingMetrics(await runCiRecipe('nrms', ['stages.fine-tune.shuffleBuffer=256'], log));
    expect(messages.join('\n')).toMatch(/\d+ samples streamed through a shuffle buffer of 256, 30 steps of batch 16/);
  });

  it('naml trains and evaluates', { timeout: 120_000 }, async () => {
    expectRankingMetrics(await runCiRecipe('naml'));
  });

  it('lstur trains and evaluates', { timeout: 120_000 }, async () => {
    expectRankingMetrics(await runCiRecipe('lstur'));
  });

  it('plm-nr trains and evaluates', { timeout: 120_000 }, async () => {
    requireMiniLm();
    expectRankingMetrics(await runCiRecipe('plm-nr'));
  });
});
