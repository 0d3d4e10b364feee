import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SweepSummary } from '../../framework/sweep/SweepSummary.ts';
import { DEFAULT_RETRY_POLICY, MlflowClient } from '../../framework/tracking/MlflowClient.ts';
import type { MlflowRun } from '../../framework/tracking/MlflowEntities.ts';
import { MlflowTestServer } from '../tracking/mlflowServer.ts';

const EXPERIMENT = resolve(import.meta.dirname, '../../bin/experiment.js');

let server: MlflowTestServer;
let client: MlflowClient;
let output: string;
let exitCode: number | null;
let stdout = '';
let stderr = '';
let summary: SweepSummary;

function tagsOf(run: MlflowRun): Record<string, string> {
  return Object.fromEntries((run.data.tags ?? []).map((tag) => [tag.key, tag.value]));
}

/**
 * Runs a real 3-trial sweep of the CI-sized NRMS recipe in a child process
 * and sends it one SIGINT during the first trial's fine-tune stage.
 */
beforeAll(async () => {
  server = await MlflowTestServer.create();
  client = new MlflowClient({ connection: { baseUrl: server.url }, timeoutMs: 10_000, retry: DEFAULT_RETRY_POLICY });
  output = mkdtempSync(join(tmpdir(), 'newsrec-sweep-interrupt-'));
  const child = spawn(
    process.execPath,
    [
      EXPERIMENT, 'sweep', 'experiments/ci/nrms.yaml',
      '--grid', 'seed=1,2,3',
      '--set', 'backend=wasm',
      '--set', 'stages.fine-tune.maxSteps=2000',
      '--set', 'stages.fine-tune.logEvery=1',
      '--set', `output.directory=${output}`,
      '--set', `tracker={type: mlflow, trackingUri: '${server.url}', flushIntervalSeconds: 0.2, experimentName: sweep-interrupt}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let interrupted = false;
  const watch = () => {
    if (!interrupted && /fine-tune: step \d+\/2000/.test(stdout + stderr)) {
      interrupted = true;
      child.kill('SIGINT');
    }
  };
  child.stdout.on('data', (chunk: Buffer) => ((stdout += chunk.toString()), watch()));
  child.stderr.on('data', (chunk: Buffer) => ((stderr += chunk.toString()), watch()));
  // Without the step line in its output the sweep would run 3 x 2000 steps, so end it and let the hook fail fast.
  const guard = setTimeout(() => child.kill('SIGKILL'), 240_000);
  exitCode = await new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  clearTimeout(guard);
  const directory = (/sweep directory: (.+)$/m.exec(stdout)?.[1] ?? '').trim();
  summary = JSON.parse(readFileSync(join(directory, 'sweep.json'), 'utf8')) as SweepSummary;
}, 300_000);

afterAll(async () => {
  await server?.dispose();
  await rm(output, { recursive: true, force: true });
}, 30_000);

describe('sweep interrupted by Ctrl-C', () => {
  it('exits 130 after printing the table', () => {
    expect(exitCode, stderr).toBe(130);
    expect(stdout).toMatch(/^trial\s+values\s+status/m);
    expect(stdout).toContain('sweep interrupted by SIGINT');
  });

  it('records the killed and skipped trials', () => {
    expect(summary.trials.map((trial) => trial.status)).toEqual(['KILLED', 'SKIPPED', 'SKIPPED']);
    expect(summary.trials[1]?.directory).toBeUndefined();
    expect(summary.trials[2]?.directory).toBeUndefined();
    expect(stdout).toContain('trials 2, 3 did not run (SKIPPED)');
  });

  it('keeps the killed trial resumable', () => {
    const killed = summary.trials[0]?.directory as string;
    expect(killed).toBeDefined();
    const record = JSON.parse(readFileSync(join(killed, 'run.json'), 'utf8'));
    expect(record.status).toBe('KILLED');
    expect(stdout).toContain(`continue trial 1 with: experiment run --resume ${killed}`);
  });

  it('ends the MLflow sweep run as KILLED', async () => {
    const sweepRun = await client.getRun(summary.mlflowRunId as string);
    expect(sweepRun.info.status).toBe('KILLED');
    const experiment = await client.getExperimentByName('sweep-interrupt');
    const runs = await client.searchRuns({ experimentIds: [experiment?.experiment_id as string] });
    const trialRuns = runs.filter((run) => tagsOf(run)['newsrec.sweep_trial'] !== undefined && tagsOf(run)['newsrec.stage'] === undefined);
    expect(trialRuns.map((run) => tagsOf(run)['newsrec.sweep_trial'])).toEqual(['1']);
    expect(trialRuns[0]?.info.status).toBe('KILLED');
  });
});
