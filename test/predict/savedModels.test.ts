import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleFile } from '../data/mindSample.ts';
import { runCli, runDirectoryOf } from './tinyRun.ts';

/**
 * Runs a CI-sized recipe with saved models, then predicts dev with the saved
 * model and returns both metric sets. Predict gets no length flags, so it
 * must take the lengths recorded in the model's newsrec-model.json.
 */
async function trainAndPredict(recipe: string): Promise<{ evaluated: Record<string, number>; printed: number[]; stderr: string; directory: string }> {
  const output = mkdtempSync(join(tmpdir(), 'newsrec-saved-predict-'));
  const run = await runCli([
    'run', recipe, '--quiet',
    '--set', 'backend=wasm',
    '--set', `output.directory=${output}`,
    '--set', 'stages.fine-tune.save=true',
  ]);
  expect(run.code, run.stderr).toBe(0);
  const directory = runDirectoryOf(run.stdout);
  const evaluated = JSON.parse(readFileSync(join(directory, 'metrics.json'), 'utf8')).evaluate as Record<string, number>;

  const result = await runCli([
    'predict',
    '--model', join(directory, 'stages/fine-tune/model-1'),
    '--data', join(sampleFile('dev', 'news.tsv'), '..'),
    '--out', join(output, 'dev.txt'),
    // The evaluate stage's batch size; on wasm, batches of another size can round scores differently and swap near ties.
    '--batch-size', '128',
    '--backend', 'wasm',
  ]);
  expect(result.code, result.stderr).toBe(0);
  const match = /AUC (\S+)\s+MRR (\S+)\s+nDCG@5 (\S+)\s+nDCG@10 (\S+)\s+\((\d+) impressions/.exec(result.stdout);
  expect(match, result.stdout).not.toBeNull();
  return { evaluated, printed: (match as RegExpExecArray).slice(1).map(Number), stderr: result.stderr, directory };
}

function expectSameMetrics(evaluated: Record<string, number>, printed: number[]): void {
  const [auc, mrr, ndcg5, ndcg10, impressions] = printed;
  const model = 'fine-tune.models[0]';
  expect(auc).toBeCloseTo(evaluated[`${model}/AUC`] as number, 4);
  expect(mrr).toBeCloseTo(evaluated[`${model}/MRR`] as number, 4);
  expect(ndcg5).toBeCloseTo(evaluated[`${model}/nDCG@5`] as number, 4);
  expect(ndcg10).toBeCloseTo(evaluated[`${model}/nDCG@10`] as number, 4);
  expect(impressions).toBe(evaluated[`${model}/impressions`]);
}

describe('predict with saved word-embedding models', () => {
  it('nrms reproduces its evaluate metrics', { timeout: 240_000 }, async () => {
    const { evaluated, printed, stderr, directory } = await trainAndPredict('experiments/ci/nrms.yaml');
    expectSameMetrics(evaluated, printed);
    // experiments/ci/nrms.yaml trains and evaluates with titleLength 16 and historyLength 10.
    expect(stderr).toContain(
      'title length 16 (titleLength recorded in newsrec-model.json), history length 10 (historyLength recorded in newsrec-model.json)',
    );
    const modelDirectory = join(directory, 'stages/fine-tune/model-1');
    const manifestFile = join(modelDirectory, 'newsrec-model.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    expect(manifest.lengths).toEqual({ titleLength: 16, historyLength: 10 });

    const devData = join(sampleFile('dev', 'news.tsv'), '..');
    const stageDirectory = join(directory, 'stages/fine-tune');
    const wrongDirectory = await runCli(['predict', '--model', stageDirectory, '--data', devData, '--out', join(directory, 'x.txt')]);
    expect(wrongDirectory.code).toBe(1);
    expect(wrongDirectory.stderr).toContain(`saved models under it: ${modelDirectory}`);
    expect(wrongDirectory.stderr).not.toContain('student');

    // A manifest written before lengths were recorded keeps the old defaults; flags still override.
    delete manifest.lengths;
    writeFileSync(manifestFile, JSON.stringify(manifest));
    const old = await runCli([
      'predict', '--model', modelDirectory, '--data', devData, '--out', join(directory, 'old.txt'), '--history-length', '7', '--backend', 'wasm',
    ]);
    expect(old.code, old.stderr).toBe(0);
    expect(old.stderr).toContain('title length 30 (default; newsrec-model.json records no titleLength), history length 7 (--history-length)');
  });

  it('lstur reproduces its evaluate metrics', { timeout: 240_000 }, async () => {
    const { evaluated, printed } = await trainAndPredict('experiments/ci/lstur.yaml');
    expectSameMetrics(evaluated, printed);
  });
});
