import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, MlflowClient } from '../../framework/tracking/MlflowClient.ts';
import type { MlflowRun } from '../../framework/tracking/MlflowEntities.ts';
import type { SweepSummary } from '../../framework/sweep/SweepSummary.ts';
import { toMlflowKey } from '../../framework/tracking/toMlflowKey.ts';
import { MIND_SAMPLE } from '../data/mindSample.ts';
import { runCli, type CliResult } from '../predict/tinyRun.ts';
import { MlflowTestServer } from '../tracking/mlflowServer.ts';

const DEV = join(MIND_SAMPLE, 'dev');
const MISSING_DEV = '/nonexistent/mind/dev';

let server: MlflowTestServer;
let client: MlflowClient;
let output: string;
let result: CliResult;
let summary: SweepSummary;
let sweepDirectory: string;

function tagsOf(run: MlflowRun): Record<string, string> {
  return Object.fromEntries((run.data.tags ?? []).map((tag) => [tag.key, tag.value]));
}

/**
 * Runs a real sweep of the CI-sized NRMS recipe against a real MLflow server,
 * with 2 x 2 trials. One trial runs to the end and one crashes, because its
 * dev split does not exist. Two have an invalid batch size and never start.
 */
beforeAll(async () => {
  server = await MlflowTestServer.create();
  client = new MlflowClient({ connection: { baseUrl: server.url }, timeoutMs: 10_000, retry: DEFAULT_RETRY_POLICY });
  output = mkdtempSync(join(tmpdir(), 'newsrec-sweep-'));
  result = await runCli([
    'sweep', 'experiments/ci/nrms.yaml', '--quiet',
    '--grid', `data.dev=${DEV},${MISSING_DEV}`,
    '--grid', 'stages.fine-tune.batchSize=8,0',
    '--set', 'backend=wasm',
    '--set', 'stages.fine-tune.maxSteps=3',
    '--set', `output.directory=${output}`,
    '--set', `tracker={type: mlflow, trackingUri: '${server.url}', flushIntervalSeconds: 0.2, experimentName: sweep-test}`,
    '--metric', 'evaluate.metrics.fine-tune.models[0].ndcg@10',
  ]);
  const match = /sweep directory: (.+)$/m.exec(result.stdout);
  sweepDirectory = (match?.[1] ?? '').trim();
  summary = JSON.parse(readFileSync(join(sweepDirectory, 'sweep.json'), 'utf8')) as SweepSummary;
}, 300_000);

afterAll(async () => {
  await server?.dispose();
  await rm(output, { recursive: true, force: true });
}, 30_000);

describe('sweep against an MLflow server', () => {
  it('exits 0 when a trial finishes', () => {
    expect(result.code, result.stderr).toBe(0);
  });

  it('records every trial in sweep.json', () => {
    expect(summary.trials.map((trial) => trial.status)).toEqual(['FINISHED', 'FAILED', 'FAILED', 'FAILED']);
    expect(summary.trials.map((trial) => trial.values)).toEqual([
      { 'data.dev': DEV, 'stages.fine-tune.batchSize': 8 },
      { 'data.dev': DEV, 'stages.fine-tune.batchSize': 0 },
      { 'data.dev': MISSING_DEV, 'stages.fine-tune.batchSize': 8 },
      { 'data.dev': MISSING_DEV, 'stages.fine-tune.batchSize': 0 },
    ]);
    expect(summary.metric).toBe('evaluate.metrics.fine-tune.models[0].nDCG@10');
    expect(summary.best).toBe(1);
  });

  it('takes the metric from the finished run', () => {
    const [finished] = summary.trials;
    const metrics = JSON.parse(readFileSync(join(finished?.directory as string, 'metrics.json'), 'utf8'));
    expect(finished?.metric).toBe(metrics.evaluate['fine-tune.models[0]/nDCG@10']);
  });

  it('names the flag of an invalid value', () => {
    expect(summary.trials[1]?.error).toBe('--grid stages.fine-tune.batchSize=0 stages.fine-tune.batchSize: must be >= 1, got 0');
    expect(summary.trials[1]?.directory).toBeUndefined();
  });

  it('keeps the run directory of a crashed trial', () => {
    const crashed = summary.trials[2];
    expect(crashed?.error).toContain(MISSING_DEV);
    const record = JSON.parse(readFileSync(join(crashed?.directory as string, 'run.json'), 'utf8'));
    expect(record.status).toBe('FAILED');
  });

  it('prints the table with the best trial marked', () => {
    const lines = result.stdout.split('\n');
    const header = lines.findIndex((line) => /^trial\s+values/.test(line));
    expect(lines[header]).toMatch(/^trial\s+values\s+status\s+evaluate\.metrics\.fine-tune\.models\[0\]\.nDCG@10\s+run directory$/);
    expect(lines[header + 1]).toMatch(new RegExp(`^1 \\*\\s+data\\.dev=${DEV}, stages\\.fine-tune\\.batchSize=8\\s+FINISHED\\s+0\\.\\d{4}\\s+${output}`));
    expect(lines[header + 2]).toMatch(/^2\s+.*FAILED\s+-\s+\(--grid stages\.fine-tune\.batchSize=0 /);
    expect(result.stdout).toContain('* best (max evaluate.metrics.fine-tune.models[0].nDCG@10)');
    expect(existsSync(join(sweepDirectory, 'sweep.md'))).toBe(true);
    expect(readFileSync(join(sweepDirectory, 'sweep.md'), 'utf8')).toContain('| 1 * | data.dev=');
  });

  it('groups the trial runs under the sweep run', async () => {
    const experiment = await client.getExperimentByName('sweep-test');
    const runs = await client.searchRuns({ experimentIds: [experiment?.experiment_id as string] });
    const sweepRun = runs.find((run) => tagsOf(run)['newsrec.sweep_id'] === summary.sweepId) as MlflowRun;
    expect(sweepRun.info.run_id).toBe(summary.mlflowRunId);
    expect(sweepRun.info.status).toBe('FINISHED');

    // Trial parents: one per trial that started; stage runs hang under those.
    const trialRuns = runs.filter((run) => tagsOf(run)['newsrec.sweep_trial'] !== undefined && tagsOf(run)['newsrec.stage'] === undefined);
    expect(trialRuns.map((run) => tagsOf(run)['newsrec.sweep_trial']).sort()).toEqual(['1', '3']);
    for (const run of trialRuns) {
      expect(tagsOf(run)['mlflow.parentRunId']).toBe(sweepRun.info.run_id);
    }
    const statuses = Object.fromEntries(trialRuns.map((run) => [tagsOf(run)['newsrec.sweep_trial'], run.info.status]));
    expect(statuses).toEqual({ '1': 'FINISHED', '3': 'FAILED' });
    const stageRuns = runs.filter((run) => tagsOf(run)['newsrec.stage'] !== undefined);
    const trialIds = trialRuns.map((run) => run.info.run_id);
    expect(stageRuns.length).toBeGreaterThan(0);
    for (const run of stageRuns) {
      expect(trialIds).toContain(tagsOf(run)['mlflow.parentRunId']);
    }
  });

  it('logs the best value and the summary on the sweep run', async () => {
    const sweepRun = await client.getRun(summary.mlflowRunId as string);
    const metrics = Object.fromEntries((sweepRun.data.metrics ?? []).map((metric) => [metric.key, metric.value]));
    expect(metrics[toMlflowKey(`best/${summary.metric}`)]).toBeCloseTo(summary.trials[0]?.metric as number, 6);
    const files = (await client.listArtifacts(sweepRun.info.artifact_uri as string)).map((file) => file.path).sort();
    expect(files).toEqual(['sweep.json', 'sweep.md']);
  });
});
