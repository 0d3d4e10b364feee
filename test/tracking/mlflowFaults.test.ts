import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlflowTracker } from '../../components/tracker/MlflowTracker.ts';
import { syncCommand } from '../../framework/cli/syncCommand.ts';
import { DEFAULT_RETRY_POLICY, MlflowClient } from '../../framework/tracking/MlflowClient.ts';
import type { ServerSyncState } from '../../framework/tracking/SyncState.ts';
import { FaultProxy } from './faultProxy.ts';
import { MlflowTestServer } from './mlflowServer.ts';
import { createRunDirectory, localHistories, memoryLogger, serverHistories, stepValues } from './syntheticRun.ts';

/** Short timeouts and intervals, so that faults show within seconds. */
const SETTINGS = {
  requestTimeoutSeconds: 1,
  maxAttempts: 2,
  flushIntervalSeconds: 0.2,
  maxRetryIntervalSeconds: 0.5,
  endTimeoutSeconds: 60,
  uploadCheckpoints: false,
};

let server: MlflowTestServer;
let proxy: FaultProxy;
let client: MlflowClient;
let root: string;

beforeAll(async () => {
  server = await MlflowTestServer.create();
  proxy = await FaultProxy.start(server.port);
  client = new MlflowClient({ connection: { baseUrl: server.url }, timeoutMs: 10_000, retry: DEFAULT_RETRY_POLICY });
  root = await mkdtemp(join(tmpdir(), 'newsrec-faults-'));
}, 180_000);

afterAll(async () => {
  await proxy?.stop();
  await server?.dispose();
  await rm(root, { recursive: true, force: true });
}, 30_000);

function syncProgress(directory: string, baseUrl: string): ServerSyncState | undefined {
  try {
    return (JSON.parse(readFileSync(join(directory, 'mlflow-sync.json'), 'utf8')) as { servers: Record<string, ServerSyncState> }).servers[baseUrl];
  } catch {
    return undefined;
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Logs steps [from, to) and returns the slowest logStep call in milliseconds. */
function logSteps(tracker: MlflowTracker, from: number, to: number): number {
  let slowest = 0;
  for (let step = from; step < to; step++) {
    const started = performance.now();
    tracker.logStep('post-train', stepValues(step), step);
    slowest = Math.max(slowest, performance.now() - started);
  }
  return slowest;
}

/** Checks that MLflow stores exactly the points of the run's metrics.jsonl. */
async function expectSameHistories(directory: string, baseUrl: string): Promise<void> {
  const progress = syncProgress(directory, baseUrl) as ServerSyncState;
  const local = localHistories(directory);
  const remote = await serverHistories(client, { 'post-train': progress.runs['stage:post-train']?.runId as string }, local.keys());
  expect(remote).toEqual(local);
}

describe('mlflow tracker when the server fails', () => {
  it('resumes after the server restarts mid-run', async () => {
    const log = memoryLogger();
    const tracker = new MlflowTracker({ ...SETTINGS, trackingUri: server.url, experimentName: 'restart-test' }, log);
    const run = createRunDirectory(root, 'restart-run');
    await tracker.start(run);
    await tracker.startStage('post-train');
    logSteps(tracker, 0, 100);
    await waitFor(() => syncProgress(run.directory, server.url)?.uploadedPoints === 300, 20_000, 'the first 300 points');

    await server.stop();
    const slowest = logSteps(tracker, 100, 400);
    await waitFor(() => log.lines.some((line) => line.includes('is not responding')), 20_000, 'the warning');
    await server.start();
    logSteps(tracker, 400, 500);
    await tracker.endStage('post-train', 'FINISHED');
    await tracker.end('FINISHED');

    expect(slowest).toBeLessThan(50);
    expect(log.lines.some((line) => line.startsWith(`MLflow server ${server.url} responds again after`))).toBe(true);
    expect(log.lines.at(-1)).toMatch(/^MLflow: run uploaded: /);
    await expectSameHistories(run.directory, server.url);
  }, 240_000);

  it('ends while the server is down, then syncs', async () => {
    const log = memoryLogger();
    const tracker = new MlflowTracker({ ...SETTINGS, endTimeoutSeconds: 2, trackingUri: server.url, experimentName: 'sync-test' }, log);
    const run = createRunDirectory(root, 'sync-run');
    await tracker.start(run);
    await tracker.startStage('post-train');
    logSteps(tracker, 0, 50);
    await waitFor(() => syncProgress(run.directory, server.url)?.uploadedPoints === 150, 20_000, 'the first 150 points');
    await server.stop();
    logSteps(tracker, 50, 300);
    tracker.logFinal('post-train', { 'mean loss': 0.3 });
    await tracker.endStage('post-train', 'FINISHED');
    await tracker.end('FINISHED');
    expect(log.lines.at(-1)).toMatch(
      new RegExp(`^warning: MLflow: the run is not fully uploaded \\(.*\\)\\. Everything is recorded in ${run.directory}; upload the rest with: experiment sync ${run.directory}$`),
    );

    await server.start();
    const output = { stdout: '', stderr: '' };
    const io = { stdout: { write: (text: string) => (output.stdout += text) }, stderr: { write: (text: string) => (output.stderr += text) } };
    expect(await syncCommand([run.directory, '--tracking-uri', server.url], io as never)).toBe(0);
    expect(output.stdout).toMatch(/^uploaded 750 new metric points \(900 in total\) to /);
    expect(await syncCommand([run.directory, '--tracking-uri', server.url], io as never)).toBe(0);
    expect(output.stdout).toContain('uploaded 0 new metric points (900 in total)');
    await expectSameHistories(run.directory, server.url);

    const parentId = syncProgress(run.directory, server.url)?.runs.run?.runId as string;
    const parent = await client.getRun(parentId);
    expect(parent.info.status).toBe('FINISHED');
    expect(parent.data.metrics?.find((metric) => metric.key === 'post-train/mean loss')?.value).toBe(0.3);
  }, 240_000);

  it('survives responses slower than the timeout', async () => {
    const log = memoryLogger();
    const tracker = new MlflowTracker({ ...SETTINGS, trackingUri: proxy.url, experimentName: 'slow-test' }, log);
    const run = createRunDirectory(root, 'slow-run');
    await tracker.start(run);
    await tracker.startStage('post-train');
    logSteps(tracker, 0, 50);
    await waitFor(() => syncProgress(run.directory, proxy.url)?.uploadedPoints === 150, 20_000, 'the first 150 points');

    // The proxy forwards each request after 1.5 s, past the 1 s timeout, so the
    // server stores points whose response the tracker never receives.
    proxy.mode = { kind: 'delay', ms: 1500 };
    logSteps(tracker, 50, 200);
    await waitFor(() => log.lines.some((line) => line.includes('timed out after 1000 ms')), 20_000, 'a timeout');
    proxy.mode = { kind: 'forward' };
    logSteps(tracker, 200, 250);
    await tracker.endStage('post-train', 'FINISHED');
    await tracker.end('FINISHED');

    expect(log.lines.at(-1)).toMatch(/^MLflow: run uploaded: /);
    await expectSameHistories(run.directory, proxy.url);
  }, 120_000);

  it('retries 5xx responses', async () => {
    const log = memoryLogger();
    const tracker = new MlflowTracker({ ...SETTINGS, trackingUri: proxy.url, experimentName: 'error-test' }, log);
    const run = createRunDirectory(root, 'error-run');
    await tracker.start(run);
    await tracker.startStage('post-train');
    logSteps(tracker, 0, 50);
    await waitFor(() => syncProgress(run.directory, proxy.url)?.uploadedPoints === 150, 20_000, 'the first 150 points');

    proxy.failedRequests = 0;
    proxy.mode = { kind: 'status', status: 503, count: 5 };
    logSteps(tracker, 50, 200);
    await tracker.endStage('post-train', 'FINISHED');
    await tracker.end('FINISHED');

    expect(proxy.failedRequests).toBe(5);
    expect(log.lines.at(-1)).toMatch(/^MLflow: run uploaded: /);
    await expectSameHistories(run.directory, proxy.url);
  }, 120_000);
});
