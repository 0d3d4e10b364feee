import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

/** Extracts the impression ids listed in a NaN guard message. */
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

describe('user error report', () => {
  it('prints a NaN loss without stack or resume', { timeout: 120_000 }, async () => {
    const output = mkdtempSync(join(tmpdir(), 'newsrec-nan-'));
    const result = await runCli(['run', CI_NRMS, '--set', 'stages.fine-tune.optimizer.learningRate=1e30', '--set', `output.directory=${output}`, '--no-cache']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^experiment: stage fine-tune: the loss is \S+ at step \d+ \(batch of impressions /m);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stdout + result.stderr).not.toContain('--resume');
  });

  it('prints a missing data file in one line', { timeout: 120_000 }, async () => {
    const output = mkdtempSync(join(tmpdir(), 'newsrec-nodata-'));
    const missing = join(output, 'no-such-split');
    const result = await runCli(['run', CI_NRMS, '--set', `data.train=${missing}`, '--set', `output.directory=${output}`, '--no-cache']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`experiment: data: train split: ${join(missing, 'news.tsv')} not found`);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stdout + result.stderr).not.toContain('--resume');
  });

  it('keeps stacks with NEWSREC_DEBUG=1', { timeout: 120_000 }, async () => {
    const output = mkdtempSync(join(tmpdir(), 'newsrec-nodata-'));
    const missing = join(output, 'no-such-split');
    process.env.NEWSREC_DEBUG = '1';
    try {
      const result = await runCli(['run', CI_NRMS, '--set', `data.train=${missing}`, '--set', `output.directory=${output}`, '--no-cache']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^\s+at /m);
    } finally {
      delete process.env.NEWSREC_DEBUG;
    }
  });

  it('prints predict path errors in one line', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'newsrec-predict-'));
    const data = join(sampleFile('dev', 'news.tsv'), '..');
    const noModel = await runCli(['predict', '--model', join(directory, 'none'), '--data', data, '--out', join(directory, 'p.txt')]);
    expect(noModel.code).toBe(1);
    expect(noModel.stderr).toContain(`experiment: --model ${join(directory, 'none')}: ${join(directory, 'none', 'newsrec-model.json')} not found`);
    expect(noModel.stderr).not.toMatch(/^\s+at /m);

    const model = join(directory, 'model');
    mkdirSync(model);
    writeFileSync(join(model, 'newsrec-model.json'), '{}\n');
    const outIsDirectory = await runCli(['predict', '--model', model, '--data', data, '--out', directory]);
    expect(outIsDirectory.code).toBe(1);
    expect(outIsDirectory.stderr).toContain(`experiment: --out ${directory} is a directory; name the prediction file, such as ${join(directory, 'prediction.txt')}`);
    expect(outIsDirectory.stderr).not.toMatch(/^\s+at /m);
  });
});
