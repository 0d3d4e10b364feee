import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flattenParams } from '../../framework/tracking/flattenParams.ts';
import { DEFAULT_RETRY_POLICY, MlflowClient } from '../../framework/tracking/MlflowClient.ts';
import { MlflowRequestError } from '../../framework/tracking/MlflowRequestError.ts';
import { resolveMlflowConnection } from '../../framework/tracking/resolveMlflowConnection.ts';
import { toMlflowKey } from '../../framework/tracking/toMlflowKey.ts';
import { FaultProxy } from './faultProxy.ts';
import { freePort, MlflowTestServer } from './mlflowServer.ts';

describe('toMlflowKey', () => {
  it.each([
    ['nDCG@10', 'nDCG_at_10'],
    ['student/AUC', 'student/AUC'],
    ['models[0]/loss', 'models_0_/loss'],
    ['learning rate', 'learning rate'],
    ['a//b/', 'a/b'],
    ['./x/../y', 'x/y'],
    ['time:ms', 'time_ms'],
    ['', '_'],
  ])('maps %j to %j', (name, key) => {
    expect(toMlflowKey(name)).toBe(key);
  });

  it('keeps long names distinct within 250 characters', () => {
    const first = toMlflowKey(`${'a'.repeat(300)}1`);
    const second = toMlflowKey(`${'a'.repeat(300)}2`);
    expect(first).toHaveLength(250);
    expect(second).toHaveLength(250);
    expect(first).not.toBe(second);
  });
});

describe('flattenParams', () => {
  it('flattens nested settings with dotted keys', () => {
    const params = flattenParams({ a: { b: 1, c: [1, 2], d: [{ e: true }] }, 'f@g': 'x', empty: {} }, 'recipe.json');
    expect(params).toEqual([
      { key: 'a.b', value: '1' },
      { key: 'a.c', value: '[1,2]' },
      { key: 'a.d.0.e', value: 'true' },
      { key: 'f_at_g', value: 'x' },
      { key: 'empty', value: '{}' },
    ]);
  });

  it('masks secret values', () => {
    expect(flattenParams({ auth: { password: 'hunter2', apiToken: 'abc' } }, 'recipe.json')).toEqual([
      { key: 'auth.password', value: '***' },
      { key: 'auth.apiToken', value: '***' },
    ]);
  });

  it('suffixes keys that map to the same name', () => {
    expect(flattenParams({ 'a@b': 1, a_at_b: 2 }, 'recipe.json').map((param) => param.key)).toEqual(['a_at_b', 'a_at_b_2']);
  });
});

describe('resolveMlflowConnection', () => {
  it('returns undefined without a URI', () => {
    expect(resolveMlflowConnection(undefined, {})).toBeUndefined();
  });

  it('prefers the token to basic auth', () => {
    const connection = resolveMlflowConnection('http://127.0.0.1:5000/', {
      MLFLOW_TRACKING_TOKEN: 't0k',
      MLFLOW_TRACKING_USERNAME: 'user',
      MLFLOW_TRACKING_PASSWORD: 'pass',
    });
    expect(connection).toEqual({ baseUrl: 'http://127.0.0.1:5000', authorization: 'Bearer t0k' });
  });

  it('moves URI credentials into basic auth', () => {
    const connection = resolveMlflowConnection(undefined, { MLFLOW_TRACKING_URI: 'http://me:s3cret@127.0.0.1:5000/prefix' });
    expect(connection?.baseUrl).toBe('http://127.0.0.1:5000/prefix');
    expect(connection?.authorization).toBe(`Basic ${Buffer.from('me:s3cret').toString('base64')}`);
  });

  it('rejects non-HTTP URIs without echoing secrets', () => {
    expect(() => resolveMlflowConnection('sqlite://me:s3cret@localhost/mlflow.db', {})).toThrow(
      "unsupported MLflow tracking URI 'sqlite://***@localhost/mlflow.db': newsrec-lab talks to an MLflow server over HTTP; start one with `mlflow server` and use its http:// address",
    );
  });
});

describe('MlflowClient against a real server', () => {
  let server: MlflowTestServer;
  let proxy: FaultProxy;
  let client: MlflowClient;
  let runId: string;

  beforeAll(async () => {
    server = await MlflowTestServer.create();
    proxy = await FaultProxy.start(server.port);
    client = new MlflowClient({ connection: { baseUrl: server.url }, timeoutMs: 10_000, retry: DEFAULT_RETRY_POLICY });
    const experimentId = await client.ensureExperiment('client-test');
    const run = await client.createRun({ experimentId, runName: 'client-run', startTime: 1_700_000_000_000, tags: [] });
    runId = run.info.run_id;
  }, 180_000);

  afterAll(async () => {
    await proxy?.stop();
    await server?.dispose();
  }, 30_000);

  it('finds an existing experiment again', async () => {
    const first = await client.ensureExperiment('client-test');
    expect(await client.ensureExperiment('client-test')).toBe(first);
  });

  it('round-trips NaN and infinite values', async () => {
    const metrics = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.5].map((value, step) => ({
      key: 'special',
      value,
      timestamp: 1_700_000_000_000 + step,
      step,
    }));
    await client.logBatch(runId, { metrics });
    const values = (await client.getMetricHistory(runId, 'special')).map((metric) => metric.value);
    // The SQL stores keep infinities as the largest finite doubles.
    expect(values).toEqual([Number.NaN, Number.MAX_VALUE, -Number.MAX_VALUE, 0.5]);
  });

  it('stores a repeated batch once', async () => {
    const metrics = [{ key: 'repeat', value: 1, timestamp: 1_700_000_000_000, step: 3 }];
    await client.logBatch(runId, { metrics });
    await client.logBatch(runId, { metrics });
    expect(await client.getMetricHistory(runId, 'repeat')).toHaveLength(1);
  });

  it('rejects a changed param', async () => {
    await client.logBatch(runId, { params: [{ key: 'fixed', value: '1' }] });
    await client.logBatch(runId, { params: [{ key: 'fixed', value: '1' }] });
    const error = await client.logBatch(runId, { params: [{ key: 'fixed', value: '2' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MlflowRequestError);
    expect((error as MlflowRequestError).status).toBe(400);
    expect((error as MlflowRequestError).errorCode).toBe('INVALID_PARAMETER_VALUE');
    expect((error as MlflowRequestError).transient).toBe(false);
  });

  it('checks batch limits before sending', async () => {
    const metrics = Array.from({ length: 1001 }, (_, step) => ({ key: 'm', value: step, timestamp: 1, step }));
    await expect(client.logBatch(runId, { metrics })).rejects.toThrow(
      'log-batch request has 1001 metrics, 0 params and 0 tags; MLflow accepts at most 1000 metrics, 100 params, 100 tags and 1000 in total',
    );
  });

  it('uploads and lists artifacts through the proxy', async () => {
    const run = await client.getRun(runId);
    await client.uploadArtifact(run.info.artifact_uri as string, 'reports/summary name.txt', new TextEncoder().encode('ok'));
    expect(await client.listArtifacts(run.info.artifact_uri as string)).toEqual([{ path: 'reports', is_dir: true }]);
    const files = await client.listArtifacts(run.info.artifact_uri as string, 'reports');
    expect(files).toEqual([{ path: 'summary name.txt', is_dir: false, file_size: 2 }]);
  });

  it('retries 503 responses with backoff', async () => {
    const retries: number[] = [];
    const proxied = new MlflowClient({
      connection: { baseUrl: proxy.url },
      timeoutMs: 10_000,
      retry: { maxAttempts: 4, initialDelayMs: 10, maxDelayMs: 100 },
      onRetry: (error, attempt) => retries.push(error.status ?? 0, attempt),
    });
    proxy.mode = { kind: 'status', status: 503, count: 2 };
    expect((await proxied.getRun(runId)).info.run_id).toBe(runId);
    expect(retries).toEqual([503, 1, 503, 2]);
  });

  it('does not retry a create after a 500', async () => {
    const proxied = new MlflowClient({ connection: { baseUrl: proxy.url }, timeoutMs: 10_000, retry: { maxAttempts: 4, initialDelayMs: 10, maxDelayMs: 100 } });
    proxy.failedRequests = 0;
    proxy.mode = { kind: 'status', status: 500, count: 1 };
    await expect(proxied.createExperiment('never')).rejects.toThrow('POST /api/2.0/mlflow/experiments/create failed with HTTP 500 TEMPORARILY_UNAVAILABLE: injected by the test proxy');
    expect(proxy.failedRequests).toBe(1);
  });

  it('times out a slow response', async () => {
    const proxied = new MlflowClient({ connection: { baseUrl: proxy.url }, timeoutMs: 300, retry: { maxAttempts: 1, initialDelayMs: 10, maxDelayMs: 10 } });
    proxy.mode = { kind: 'delay', ms: 1000 };
    try {
      const error = (await proxied.getRun(runId).catch((caught: unknown) => caught)) as MlflowRequestError;
      expect(error.kind).toBe('timeout');
      expect(error.message).toBe(`GET /api/2.0/mlflow/runs/get?run_id=${runId} timed out after 300 ms`);
    } finally {
      proxy.mode = { kind: 'forward' };
    }
  });

  it('sends the token and keeps it out of errors', async () => {
    const connection = resolveMlflowConnection(proxy.url, { MLFLOW_TRACKING_TOKEN: 'secret-token-value' });
    const authorized = new MlflowClient({ connection: connection as never, timeoutMs: 10_000, retry: DEFAULT_RETRY_POLICY });
    const error = (await authorized.getRun('0'.repeat(32)).catch((caught: unknown) => caught)) as MlflowRequestError;
    expect(proxy.seenHeaders.at(-1)?.authorization).toBe('Bearer secret-token-value');
    expect(error.errorCode).toBe('RESOURCE_DOES_NOT_EXIST');
    expect(error.message).not.toContain('secret-token-value');
  });

  it('reports a refused connection as a network failure', async () => {
    const closed = new MlflowClient({ connection: { baseUrl: `http://127.0.0.1:${await freePort()}` }, timeoutMs: 2000, retry: { maxAttempts: 1, initialDelayMs: 10, maxDelayMs: 10 } });
    const error = (await closed.getRun(runId).catch((caught: unknown) => caught)) as MlflowRequestError;
    expect(error.kind).toBe('network');
    expect(error.message).toMatch(/ECONNREFUSED/);
  });
});
