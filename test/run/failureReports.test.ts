import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleFile } from '../data/mindSample.ts';
import { runCli, writeTinyRecipe } from '../predict/tinyRun.ts';

const CI_NRMS = 'experiments/ci/nrms.yaml';

/** Impression ids of a behaviors.tsv file, read from its first column. */
function impressionIdsOf(file: string): Set<string> {
  const lines = readFileSync(file, 'utf8').split('\n').filter((line) => line !== '');
  return new Set(lines.map((line) => line.split('\t')[0] as string));
}

/** The impression ids listed in a NaN guard message. */
function idsInMessage(stderr: string): string[] {
  const match = /\(batch of impressions ([^)]*)\)/.exec(stderr);
  expect(match, stderr).not.toBeNull();
  return (match?.[1] ?? '').split(', ').filter((id) => id !== '' && !id.includes(' more'));
}

describe('NaN loss report', () => {
  it('names fine-tune impressions', { timeout: 120_000 }, async () => {
    const output = mkdtempSync(join(tmpdir(), 'newsrec-nan-'));
    const result = await runCli(['run', CI_NRMS, '--set', 'stages.fine-tune.optimizer.learningRate=1e30', '--set', `output.directory=${output}`, '--no-cache']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('stage fine-tune: the loss is NaN at step');
    const ids = idsInMessage(result.stderr);
    // batchSize is 16 in the recipe, and each sample comes from one impression.
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.length).toBeLessThanOrEqual(16);
    const known = impressionIdsOf(sampleFile('train', 'behaviors.tsv'));
    for (const id of ids) {
      expect(known.has(id), `impression ${id} is not in train/behaviors.tsv`).toBe(true);
    }
  });

  it('names distill-fine-tune impressions', { timeout: 300_000 }, async () => {
    const file = writeTinyRecipe('nan-distill');
    const result = await runCli(['run', file, '--set', 'stages.distill-fine-tune.optimizer={type: adam, learningRate: 1e30}', '--no-cache']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('stage distill-fine-tune: the loss is NaN at step');
    const ids = idsInMessage(result.stderr);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.length).toBeLessThanOrEqual(4);
    const known = impressionIdsOf(sampleFile('train', 'behaviors.tsv'));
    for (const id of ids) {
      expect(known.has(id), `impression ${id} is not in train/behaviors.tsv`).toBe(true);
    }
  });
});
