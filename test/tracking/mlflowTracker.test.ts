import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlflowTracker } from '../../components/tracker/MlflowTracker.ts';
import { main } from '../../framework/cli/main.ts';
import { DEFAULT_RETRY_POLICY, MlflowClient } from '../../framework/tracking/MlflowClient.ts';
import type { MlflowRun } from '../../framework/tracking/MlflowEntities.ts';
import { MlflowTestServer } from './mlflowServer.ts';
import { createRunDirectory, localHistories, memoryLogger, RECIPE, serverHistories, stepValues } from './syntheticRun.ts';

const SETTINGS = {
  requestTimeoutSeconds: 10,
  maxAttempts: 3,
  flushIntervalSeconds: 0.2,
  maxRetryIntervalSeconds: 1,
  endTimeoutSeconds: 60,
  uploadCheckpoints: true,
};

let server: MlflowTestServer;
let client: MlflowClient;
let root: string;

beforeAll(async () => {
  server = await MlflowTestServer.create();
  client = new MlflowClient({ connection: { baseUrl: server.url }, timeoutMs: 10_000, retry: DEFAULT_RETRY_POLICY });
  root = await mkdtemp(join(tmpdir(), 'newsrec-runs-'));
}, 180_000);

afterAll(async () => {
  await server?.dispose();
  await rm(root, { recursive: true, force: true });
}, 30_000);

function tagsOf(run: MlflowRun): Record<string, string> {
  return Object.fromEntries((run.data.tags ?? []).map((tag) => [tag.key, tag.value]));
}

function paramsOf(run: MlflowRun): Record<string, string> {
  return Object.fromEntries((run.data.params ?? []).map((param) => [param.key, param.value]));
}

async function runsOf(experimentName: string): Promise<{ parent: MlflowRun; stages: Record<string, MlflowRun> }> {
  const experiment = await client.getExperimentByName(experimentName);
  const runs = await client.searchRuns({ experimentIds: [experiment?.experiment_id as string] });
  const parent = runs.find((run) => tagsOf(run)['mlflow.parentRunId'] === undefined) as MlflowRun;
  const stages: Record<string, MlflowRun> = {};
  for (const run of runs) {
    const stage = tagsOf(run)['newsrec.stage'];
    if (stage !== undefined) stages[stage] = run;
  }
  return { parent, stages };
}

describe('mlflow tracker on a finished run', () => {
  const experimentName = 'layout-test';
  let directory: string;
  let parent: MlflowRun;
  let stages: Record<string, MlflowRun>;
  const log = memoryLogger();

  beforeAll(async () => {
    const tracker = new MlflowTracker({ ...SETTINGS, trackingUri: server.url, experimentName }, log);
    const run = createRunDirectory(root, 'layout-run');
    directory = run.directory;
    await tracker.start(run);
    await tracker.startStage('post-train');
    // 1200 steps of 3 values: more than one log-batch of 1000 points.
    for (let step = 0; step < 1200; step++) tracker.logStep('post-train', stepValues(step), step);
    tracker.logFinal('post-train', { 'mean loss': 0.25 });
    await tracker.endStage('post-train', 'FINISHED');
    await tracker.startStage('evaluate');
    tracker.logFinal('evaluate', { 'student/auc': 0.71, 'student/nDCG@10': 0.42, 'student/mrr': Number.NaN });
    await tracker.endStage('evaluate', 'FINISHED');
    await tracker.end('FINISHED');
    ({ parent, stages } = await runsOf(experimentName));
  }, 120_000);

  it('creates a parent and a nested run per stage', () => {
    expect(parent.info.run_name).toBe('layout-run');
    expect(parent.info.status).toBe('FINISHED');
    expect(Object.keys(stages).sort()).toEqual(['evaluate', 'post-train']);
    for (const stage of Object.values(stages)) {
      expect(tagsOf(stage)['mlflow.parentRunId']).toBe(parent.info.run_id);
      expect(stage.info.status).toBe('FINISHED');
    }
    expect(stages['post-train']?.info.run_name).toBe('post-train');
    expect(tagsOf(stages['post-train'] as MlflowRun)['newsrec.stage_type']).toBe('post-train');
  });

  it('tags the source, commit, backend and version', () => {
    const tags = tagsOf(parent);
    expect(tags['mlflow.source.name']).toBe('test/tracking/syntheticRun.ts');
    expect(tags['mlflow.source.git.commit']).toMatch(/^[0-9a-f]{40}$/);
    expect(['true', 'false']).toContain(tags['newsrec.git.dirty']);
    expect(tags['newsrec.backend']).toBe('cpu');
    expect(tags['newsrec.version']).toBe('0.1.0');
    expect(tags['newsrec.local_run_id']).toBe('layout-run');
  });

  it('logs the recipe as dotted params', () => {
    const params = paramsOf(parent);
    expect(params['models.student.newsEncoder.layers']).toBe('2');
    expect(params['stages.evaluate.models']).toBe('["post-train.model"]');
    expect(params['stages.post-train.learningRate']).toBe('0.0001');
    expect(paramsOf(stages['post-train'] as MlflowRun).steps).toBe('30');
  });

  it('marks a truncated param and keeps the full value as artifact', async () => {
    const note = paramsOf(parent)['data.note'] as string;
    expect(note).toHaveLength(6000);
    expect(note).toMatch(/\.\.\.\[truncated: 7000 characters in total; full value in the artifact recipe\.resolved\.json\]$/);
    const files = (await client.listArtifacts(parent.info.artifact_uri as string)).map((file) => file.path).sort();
    expect(files).toEqual(['log.txt', 'metrics.json', 'recipe.resolved.json', 'recipe.yaml', 'run.json']);
    const body = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/${(parent.info.artifact_uri as string).replace('mlflow-artifacts:/', '')}/recipe.resolved.json`);
    expect(JSON.parse(await body.text()).data.note).toBe('x'.repeat(7000));
  });

  it('uploads metric histories point for point', async () => {
    const local = localHistories(directory);
    const stageIds = { 'post-train': stages['post-train']?.info.run_id as string };
    const remote = await serverHistories(client, stageIds, local.keys());
    expect([...local.keys()].sort()).toEqual(['post-train|alpha/teacher_at_0', 'post-train|learning rate', 'post-train|loss']);
    expect(local.get('post-train|loss')).toHaveLength(1200);
    expect(remote).toEqual(local);
  });

  it('logs final metrics on the stage and the parent', async () => {
    const evaluate = stages.evaluate as MlflowRun;
    const values = Object.fromEntries((evaluate.data.metrics ?? []).map((metric) => [metric.key, metric.value]));
    expect(values).toEqual({ 'student/auc': 0.71, 'student/nDCG_at_10': 0.42, 'student/mrr': Number.NaN });
    const parentValues = Object.fromEntries((parent.data.metrics ?? []).map((metric) => [metric.key, metric.value]));
    expect(parentValues['evaluate/student/nDCG_at_10']).toBe(0.42);
    expect(parentValues['post-train/mean loss']).toBe(0.25);
  });

  it('reports the run address', () => {
    expect(log.lines.at(-1)).toBe(`MLflow: run uploaded: ${server.url}/#/experiments/${parent.info.experiment_id}/runs/${parent.info.run_id}`);
  });
});

describe('mlflow tracker on a failed or killed run', () => {
  it('marks the failing stage and the run FAILED with the error', async () => {
    const tracker = new MlflowTracker({ ...SETTINGS, trackingUri: server.url, experimentName: 'failed-test' }, memoryLogger());
    await tracker.start(createRunDirectory(root, 'failed-run'));
    await tracker.startStage('post-train');
    tracker.logStep('post-train', { loss: 1 }, 0);
    await tracker.endStage('post-train', 'FAILED', 'loss is NaN at step 1');
    await tracker.end('FAILED', 'loss is NaN at step 1');
    const { parent, stages } = await runsOf('failed-test');
    expect(parent.info.status).toBe('FAILED');
    expect(tagsOf(parent)['newsrec.error']).toBe('loss is NaN at step 1');
    expect(stages['post-train']?.info.status).toBe('FAILED');
    expect(tagsOf(stages['post-train'] as MlflowRun)['newsrec.error']).toBe('loss is NaN at step 1');
  }, 60_000);

  it('marks an interrupted run KILLED', async () => {
    const tracker = new MlflowTracker({ ...SETTINGS, trackingUri: server.url, experimentName: 'killed-test' }, memoryLogger());
    await tracker.start(createRunDirectory(root, 'killed-run'));
    await tracker.startStage('post-train');
    await tracker.endStage('post-train', 'KILLED', 'interrupted by SIGINT');
    await tracker.end('KILLED', 'interrupted by SIGINT');
    const { parent, stages } = await runsOf('killed-test');
    expect(parent.info.status).toBe('KILLED');
    expect(stages['post-train']?.info.status).toBe('KILLED');
  }, 60_000);
});

describe('mlflow tracker without a tracking URI', () => {
  it('records locally and says how to sync', async () => {
    const log = memoryLogger();
    const previous = process.env.MLFLOW_TRACKING_URI;
    delete process.env.MLFLOW_TRACKING_URI;
    try {
      const tracker = new MlflowTracker({ ...SETTINGS, experimentName: 'never-created' }, log);
      const run = createRunDirectory(root, 'local-run');
      await tracker.start(run);
      await tracker.end('FINISHED');
      expect(log.lines[0]).toBe(
        'warning: mlflow tracker: no tracking URI (set tracker.trackingUri or MLFLOW_TRACKING_URI); ' +
          `the run is recorded in ${run.directory} only; upload it later with: experiment sync ${run.directory}`,
      );
    } finally {
      if (previous !== undefined) process.env.MLFLOW_TRACKING_URI = previous;
    }
    expect(await client.getExperimentByName('never-created')).toBeUndefined();
  }, 30_000);
});

describe('mlflow tracker defaults', () => {
  it('names the experiment after the recipe', async () => {
    const tracker = new MlflowTracker({ ...SETTINGS, trackingUri: server.url }, memoryLogger());
    await tracker.start(createRunDirectory(root, 'default-experiment-run'));
    await tracker.end('FINISHED');
    const experiment = await client.getExperimentByName(RECIPE.name);
    expect(experiment?.name).toBe('tracking-test');
  }, 60_000);
});

/** A recipe that trains and evaluates a one-layer model for a few steps, in seconds. */
function tinyRecipe(runsDirectory: string, tracker: string): string {
  return `name: tiny-recipe
seed: 3
backend: cpu
output: { directory: ${runsDirectory} }
tracker: ${tracker}
data: { type: synthetic-mind, news: 60, users: 20, trainImpressions: 40, devImpressions: 20 }
models:
  teacher:
    tokenizer: { type: wordpiece, build: { vocabularySize: 300 } }
    newsEncoder:
      type: plm
      backbone: { type: bert, hiddenSize: 16, layers: 1, heads: 2, intermediateSize: 32 }
      pooling: { type: additive-attention, queryVectorSize: 8 }
      outputSize: 16
    userEncoder: { type: additive-attention, queryVectorSize: 8 }
    clickPredictor: { type: dot }
stages:
  post-train:
    type: post-train
    model: teacher
    bodyLength: 16
    snapshots: { count: 1, after: 2, every: 2 }
    logEvery: 1
  fine-tune:
    type: fine-tune
    models: post-train.model
    epochs: 1
    logEvery: 1
  evaluate:
    type: evaluate
    models: fine-tune.models
`;
}

function captureIO(): { io: { stdout: { write(text: string): boolean }; stderr: { write(text: string): boolean } }; output: { stdout: string; stderr: string } } {
  const output = { stdout: '', stderr: '' };
  const io = {
    stdout: { write: (text: string) => ((output.stdout += text), true) },
    stderr: { write: (text: string) => ((output.stderr += text), true) },
  };
  return { io, output };
}

describe('experiment run with the mlflow tracker', () => {
  let runsDirectory: string;
  let parent: MlflowRun;
  let stages: Record<string, MlflowRun>;
  let runOutput: { stdout: string; stderr: string };

  beforeAll(async () => {
    runsDirectory = join(root, 'recipe-runs');
    const file = join(root, 'tiny-recipe.yaml');
    await writeFile(file, tinyRecipe(runsDirectory, `{ type: mlflow, trackingUri: '${server.url}', experimentName: recipe-test, flushIntervalSeconds: 0.2 }`));
    const { io, output } = captureIO();
    expect(await main(['run', file], io as never)).toBe(0);
    runOutput = output;
    ({ parent, stages } = await runsOf('recipe-test'));
  }, 180_000);

  it('logs the run and its stages', () => {
    expect(runOutput.stdout).toContain(`MLflow: run uploaded: ${server.url}/#/experiments/`);
    expect(parent.info.status).toBe('FINISHED');
    expect(Object.keys(stages).sort()).toEqual(['evaluate', 'fine-tune', 'post-train']);
    expect(paramsOf(parent)['stages.post-train.bodyLength']).toBe('16');
    expect(tagsOf(parent)['newsrec.backend']).toBe('cpu');
  });

  it('logs per-step and evaluation metrics', async () => {
    const directory = tagsOf(parent)['newsrec.run_directory'] as string;
    const local = localHistories(directory);
    const stageIds = Object.fromEntries(Object.entries(stages).map(([name, run]) => [name, run.info.run_id]));
    expect(await serverHistories(client, stageIds, local.keys())).toEqual(local);
    const evaluateKeys = (stages.evaluate?.data.metrics ?? []).map((metric) => metric.key);
    expect(evaluateKeys).toContain('fine-tune.models_0_/nDCG_at_10');
    expect((parent.data.metrics ?? []).map((metric) => metric.key)).toContain('evaluate/fine-tune.models_0_/AUC');
  });

  it('syncs a run recorded by the local tracker', async () => {
    const localRuns = join(root, 'local-runs');
    const file = join(root, 'tiny-local.yaml');
    await writeFile(file, tinyRecipe(localRuns, '{ type: local }'));
    expect(await main(['run', file], captureIO().io as never)).toBe(0);

    const listing = captureIO();
    expect(await main(['runs', localRuns], listing.io as never)).toBe(0);
    expect(listing.output.stdout).toMatch(/tiny-recipe {2}FINISHED .* evaluate fine-tune\.models\[0\]: AUC 0\.\d{3} MRR 0\.\d{3} nDCG@5 0\.\d{3} nDCG@10 0\.\d{3} +local /);

    const [run] = JSON.parse((await captureJson(['runs', localRuns, '--json'])) as string) as { directory: string }[];
    const sync = captureIO();
    expect(await main(['sync', run?.directory as string, '--tracking-uri', server.url, '--experiment', 'local-sync-test'], sync.io as never)).toBe(0);
    const synced = await runsOf('local-sync-test');
    expect(synced.parent.info.status).toBe('FINISHED');
    expect(Object.keys(synced.stages).sort()).toEqual(['evaluate', 'fine-tune', 'post-train']);

    const after = captureIO();
    expect(await main(['runs', localRuns], after.io as never)).toBe(0);
    expect(after.output.stdout).toContain(`synced ${server.url}`);
  }, 180_000);
});

describe('experiment run interrupted by Ctrl-C', () => {
  it('records the run as KILLED', async () => {
    const runsDirectory = join(root, 'interrupted-runs');
    const file = join(root, 'tiny-interrupted.yaml');
    const tracker = `{ type: mlflow, trackingUri: '${server.url}', experimentName: interrupt-test, flushIntervalSeconds: 0.2 }`;
    await writeFile(file, tinyRecipe(runsDirectory, tracker));
    const child = spawn(process.execPath, [join(import.meta.dirname, '..', '..', 'bin', 'experiment.js'), 'run', file], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('post-train: step 1/')) resolve();
      });
      child.once('exit', () => reject(new Error(`the run ended before its first step was printed:\n${stdout}\n${stderr}`)));
    });
    child.kill('SIGINT');
    expect(await exited).toBe('SIGINT');

    const [runId] = await readdir(join(runsDirectory, 'tiny-recipe'));
    const directory = join(runsDirectory, 'tiny-recipe', runId as string);
    expect(JSON.parse(readFileSync(join(directory, 'run.json'), 'utf8')).status).toBe('KILLED');
    const record = JSON.parse(readFileSync(join(directory, 'tracking.json'), 'utf8'));
    expect(record.status).toBe('KILLED');
    // The signal takes effect at the next step or stage start, so either the
    // stage then running is KILLED or every started stage had finished.
    const statuses = (record.stages as { name: string; status: string }[]).map((stage) => stage.status);
    expect(statuses.slice(0, -1).every((status) => status === 'FINISHED')).toBe(true);
    expect(['FINISHED', 'KILLED']).toContain(statuses.at(-1));
    const { parent, stages } = await runsOf('interrupt-test');
    expect(parent.info.status).toBe('KILLED');
    expect(tagsOf(parent)['newsrec.error']).toBe('interrupted by SIGINT');
    for (const stage of record.stages as { name: string; status: string }[]) {
      expect(stages[stage.name]?.info.status).toBe(stage.status);
    }
  }, 120_000);
});

async function captureJson(args: string[]): Promise<string> {
  const { io, output } = captureIO();
  await main(args, io as never);
  return output.stdout;
}
