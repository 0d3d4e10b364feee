import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, MlflowClient } from '../../framework/tracking/MlflowClient.ts';
import type { MlflowRun } from '../../framework/tracking/MlflowEntities.ts';
import { runCli } from '../predict/tinyRun.ts';
import { MlflowTestServer } from '../tracking/mlflowServer.ts';
import { writeLongRunRecipe } from './longRunRecipe.ts';

const EXPERIMENT = resolve(import.meta.dirname, '../../bin/experiment.js');

let server: MlflowTestServer;
let client: MlflowClient;

beforeAll(async () => {
  server = await MlflowTestServer.create();
  client = new MlflowClient({ connection: { baseUrl: server.url }, timeoutMs: 10_000, retry: DEFAULT_RETRY_POLICY });
}, 180_000);

afterAll(async () => {
  await server?.dispose();
}, 30_000);

function tagsOf(run: MlflowRun): Record<string, string> {
  return Object.fromEntries((run.data.tags ?? []).map((tag) => [tag.key, tag.value]));
}

async function runsOf(experimentName: string): Promise<MlflowRun[]> {
  const experiment = await client.getExperimentByName(experimentName);
  return client.searchRuns({ experimentIds: [experiment?.experiment_id as string] });
}

describe('experiment run interrupted once', () => {
  it('checkpoints, stops as KILLED and resumes in MLflow', { timeout: 300_000 }, async () => {
    const experimentName = 'resume-test';
    const tracker = `{ type: mlflow, trackingUri: '${server.url}', experimentName: ${experimentName}, flushIntervalSeconds: 0.2 }`;
    // checkpointEvery 0: the only checkpoint is the one Ctrl-C writes.
    const { file } = writeLongRunRecipe({ fineTuneSteps: 40, checkpointEvery: 0, tracker });
    const child = spawn(process.execPath, [EXPERIMENT, 'run', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let interrupted = false;
    const exited = new Promise<NodeJS.Signals | null>((done) => child.once('exit', (_code, signal) => done(signal)));
    const watch = (chunk: Buffer) => {
      output += chunk.toString();
      if (!interrupted && output.includes('fine-tune: model 1/2 step 1/40')) {
        interrupted = true;
        child.kill('SIGINT');
      }
    };
    child.stdout.on('data', watch);
    child.stderr.on('data', watch);
    expect(await exited).toBe('SIGINT');

    const match = /checkpoint of step (\d+) written to (\S+)/.exec(output);
    expect(match, output).not.toBeNull();
    const step = Number(match?.[1]);
    expect(step).toBeGreaterThan(0);
    expect(step).toBeLessThan(40);
    expect(output).toContain(`fine-tune: stopped after step ${step} by the interruption`);
    const directory = (/run \S+: directory (\S+)/.exec(output) as RegExpExecArray)[1] as string;
    expect(output).toContain(`continue it with: experiment run --resume ${directory}`);
    const record = JSON.parse(readFileSync(join(directory, 'run.json'), 'utf8'));
    expect(record.status).toBe('KILLED');
    expect(record.stages['fine-tune'].status).toBe('KILLED');
    const killedRuns = await runsOf(experimentName);
    const killedParent = killedRuns.find((run) => tagsOf(run)['mlflow.parentRunId'] === undefined) as MlflowRun;
    expect(killedParent.info.status).toBe('KILLED');

    const resumed = await runCli(['run', '--resume', directory]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`fine-tune: resumed from the checkpoint of step ${step} (epoch 1, batch ${step})`);
    expect(resumed.stdout).toContain(`MLflow: continuing run ${killedParent.info.run_id}`);

    const runs = await runsOf(experimentName);
    const parents = runs.filter((run) => tagsOf(run)['mlflow.parentRunId'] === undefined);
    expect(parents.map((run) => run.info.run_id)).toEqual([killedParent.info.run_id]);
    expect(parents[0]?.info.status).toBe('FINISHED');
    const stages = runs.filter((run) => tagsOf(run)['newsrec.stage'] !== undefined);
    expect(stages.map((run) => tagsOf(run)['newsrec.stage']).sort()).toEqual(['evaluate', 'fine-tune', 'post-train']);
    for (const stage of stages) {
      expect(stage.info.status, tagsOf(stage)['newsrec.stage']).toBe('FINISHED');
    }
    const evaluate = stages.find((run) => tagsOf(run)['newsrec.stage'] === 'evaluate') as MlflowRun;
    expect((evaluate.data.metrics ?? []).some((metric) => metric.key.endsWith('/AUC'))).toBe(true);
  });
});
