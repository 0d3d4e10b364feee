import { backoffDelay, type RetryPolicy } from './backoffDelay.ts';
import type {
  MlflowExperiment,
  MlflowFileInfo,
  MlflowMetric,
  MlflowParam,
  MlflowRun,
  MlflowRunInfo,
  MlflowRunStatus,
  MlflowTag,
} from './MlflowEntities.ts';
import { MLFLOW_LIMITS } from './mlflowLimits.ts';
import { MlflowRequestError } from './MlflowRequestError.ts';
import type { MlflowConnection } from './resolveMlflowConnection.ts';

export interface MlflowClientOptions {
  readonly connection: MlflowConnection;
  /** Time for one attempt, response body included, in milliseconds. */
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  /** Called before each retry with the failure and the delay; used for logging. */
  readonly onRetry?: (error: MlflowRequestError, attempt: number, delayMs: number) => void;
  readonly random?: () => number;
}

/** Everything one log-batch request carries; the caller keeps it within MLFLOW_LIMITS. */
export interface MlflowBatch {
  readonly metrics?: readonly MlflowMetric[];
  readonly params?: readonly MlflowParam[];
  readonly tags?: readonly MlflowTag[];
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, initialDelayMs: 500, maxDelayMs: 8000 };

interface RequestOptions {
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly json?: unknown;
  readonly body?: Blob | Uint8Array<ArrayBuffer>;
  /**
   * Whether repeating the request after an unclear failure (timeout, 5xx) is
   * harmless. Calls that create something are retried only when the server
   * certainly did not process them: connection refused or 429.
   */
  readonly idempotent: boolean;
}

/**
 * A typed client for the MLflow tracking server's REST API (2.0), checked
 * against MLflow 3.17.2. It uses the native fetch, bounds every attempt with a
 * timeout, and retries transient failures with exponential backoff and jitter.
 */
export class MlflowClient {
  readonly baseUrl: string;
  private readonly authorization: string | undefined;
  private readonly random: () => number;

  constructor(private readonly options: MlflowClientOptions) {
    this.baseUrl = options.connection.baseUrl;
    this.authorization = options.connection.authorization;
    this.random = options.random ?? Math.random;
  }

  /** Fetches the experiment with this name; undefined when there is none. */
  async getExperimentByName(name: string): Promise<MlflowExperiment | undefined> {
    try {
      const response = await this.request<{ experiment: MlflowExperiment }>('GET', 'mlflow/experiments/get-by-name', {
        query: { experiment_name: name },
        idempotent: true,
      });
      return response.experiment;
    } catch (error) {
      if (error instanceof MlflowRequestError && error.errorCode === 'RESOURCE_DOES_NOT_EXIST') return undefined;
      throw error;
    }
  }

  /** Creates an experiment and returns its id. */
  async createExperiment(name: string): Promise<string> {
    if (name.length > MLFLOW_LIMITS.experimentNameLength) {
      throw new Error(`experiment name is ${name.length} characters; MLflow allows ${MLFLOW_LIMITS.experimentNameLength}`);
    }
    const response = await this.request<{ experiment_id: string }>('POST', 'mlflow/experiments/create', {
      json: { name },
      idempotent: false,
    });
    return response.experiment_id;
  }

  /**
   * Returns the id of the named experiment, creating it when missing. A
   * concurrent creation by another client (RESOURCE_ALREADY_EXISTS) is resolved
   * by reading the experiment again.
   */
  async ensureExperiment(name: string): Promise<string> {
    const existing = await this.getExperimentByName(name);
    if (existing !== undefined) return existing.experiment_id;
    try {
      return await this.createExperiment(name);
    } catch (error) {
      if (!(error instanceof MlflowRequestError && error.errorCode === 'RESOURCE_ALREADY_EXISTS')) throw error;
      const created = await this.getExperimentByName(name);
      if (created === undefined) throw error;
      return created.experiment_id;
    }
  }

  async createRun(request: {
    experimentId: string;
    runName: string;
    startTime: number;
    tags: readonly MlflowTag[];
  }): Promise<MlflowRun> {
    const response = await this.request<{ run: MlflowRun }>('POST', 'mlflow/runs/create', {
      json: {
        experiment_id: request.experimentId,
        run_name: request.runName,
        start_time: request.startTime,
        tags: request.tags,
      },
      idempotent: false,
    });
    return decodeRun(response.run);
  }

  async updateRun(request: { runId: string; status: MlflowRunStatus; endTime?: number }): Promise<MlflowRunInfo> {
    const response = await this.request<{ run_info: MlflowRunInfo }>('POST', 'mlflow/runs/update', {
      json: { run_id: request.runId, status: request.status, end_time: request.endTime },
      idempotent: true,
    });
    return response.run_info;
  }

  async getRun(runId: string): Promise<MlflowRun> {
    const response = await this.request<{ run: MlflowRun }>('GET', 'mlflow/runs/get', {
      query: { run_id: runId },
      idempotent: true,
    });
    return decodeRun(response.run);
  }

  /** Runs of the experiments that match an MLflow search filter, all pages. */
  async searchRuns(request: { experimentIds: readonly string[]; filter?: string; orderBy?: readonly string[] }): Promise<MlflowRun[]> {
    const runs: MlflowRun[] = [];
    let pageToken: string | undefined;
    do {
      const response = await this.request<{ runs?: MlflowRun[]; next_page_token?: string }>('POST', 'mlflow/runs/search', {
        json: {
          experiment_ids: request.experimentIds,
          filter: request.filter,
          order_by: request.orderBy,
          max_results: 1000,
          page_token: pageToken,
        },
        idempotent: true,
      });
      runs.push(...(response.runs ?? []).map(decodeRun));
      pageToken = response.next_page_token;
    } while (pageToken);
    return runs;
  }

  /**
   * Sends metrics, params and tags in one request. Retrying is harmless:
   * the SQL stores ignore a metric point equal in key, value, step and
   * timestamp to one already stored, params may be logged again with the same
   * value, and tags are overwritten.
   */
  async logBatch(runId: string, batch: MlflowBatch): Promise<void> {
    const metrics = batch.metrics ?? [];
    const params = batch.params ?? [];
    const tags = batch.tags ?? [];
    checkBatchLimits(metrics.length, params.length, tags.length);
    const json = {
      run_id: runId,
      metrics: metrics.map((metric) => ({ ...metric, value: encodeMetricValue(metric.value) })),
      params,
      tags,
    };
    const bytes = Buffer.byteLength(JSON.stringify(json));
    if (bytes > MLFLOW_LIMITS.batchRequestBytes) {
      throw new Error(`log-batch request is ${bytes} bytes; MLflow accepts at most ${MLFLOW_LIMITS.batchRequestBytes}`);
    }
    await this.request('POST', 'mlflow/runs/log-batch', { json, idempotent: true });
  }

  async setTag(runId: string, key: string, value: string): Promise<void> {
    await this.request('POST', 'mlflow/runs/set-tag', { json: { run_id: runId, key, value }, idempotent: true });
  }

  /** Fetches every point of one metric of a run, following all pages. */
  async getMetricHistory(runId: string, key: string): Promise<MlflowMetric[]> {
    const points: MlflowMetric[] = [];
    let pageToken: string | undefined;
    do {
      const response = await this.request<{ metrics?: MlflowMetric[]; next_page_token?: string }>(
        'GET',
        'mlflow/metrics/get-history',
        {
          query: { run_id: runId, metric_key: key, max_results: MLFLOW_LIMITS.metricHistoryPageSize, page_token: pageToken },
          idempotent: true,
        },
      );
      points.push(...(response.metrics ?? []).map(decodeMetric));
      pageToken = response.next_page_token;
    } while (pageToken);
    return points;
  }

  /**
   * Uploads one file through the server's artifact proxy
   * (`PUT /api/2.0/mlflow-artifacts/artifacts/...`); `artifactUri` is the run's
   * `artifact_uri` and `path` is relative to it, with `/` separators.
   */
  async uploadArtifact(artifactUri: string, path: string, body: Blob | Uint8Array<ArrayBuffer>): Promise<void> {
    const target = `${proxiedArtifactPath(artifactUri)}/${path}`;
    await this.request('PUT', `mlflow-artifacts/artifacts/${encodePath(target)}`, { body, idempotent: true });
  }

  /** Lists one directory of a run's artifacts through the artifact proxy. */
  async listArtifacts(artifactUri: string, path = ''): Promise<MlflowFileInfo[]> {
    const root = proxiedArtifactPath(artifactUri);
    const response = await this.request<{ files?: MlflowFileInfo[] }>('GET', 'mlflow-artifacts/artifacts', {
      query: { path: path === '' ? root : `${root}/${path}` },
      idempotent: true,
    });
    return response.files ?? [];
  }

  /** Sends a request, retrying transient failures; returns the parsed JSON body. */
  private async request<Response = unknown>(method: string, endpoint: string, options: RequestOptions): Promise<Response> {
    const { maxAttempts } = this.options.retry;
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.attempt(method, endpoint, options)) as Response;
      } catch (error) {
        if (!(error instanceof MlflowRequestError)) throw error;
        const retriable = options.idempotent ? error.transient : certainlyNotProcessed(error);
        if (!retriable || attempt >= maxAttempts) throw error;
        const delayMs = backoffDelay(attempt, this.options.retry, this.random);
        this.options.onRetry?.(error, attempt, delayMs);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  private async attempt(method: string, endpoint: string, options: RequestOptions): Promise<unknown> {
    const path = `/api/2.0/${endpoint}${queryString(options.query)}`;
    const headers: Record<string, string> = {};
    if (this.authorization !== undefined) headers.authorization = this.authorization;
    let body: BodyInit | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.body !== undefined) {
      headers['content-type'] = 'application/octet-stream';
      body = options.body instanceof Blob ? options.body : new Blob([options.body]);
    }

    const signal = AbortSignal.timeout(this.options.timeoutMs);
    let text: string;
    let status: number;
    try {
      const response = await fetch(this.baseUrl + path, { method, headers, body, signal });
      status = response.status;
      text = await response.text();
    } catch (error) {
      if (signal.aborted) {
        throw new MlflowRequestError('timeout', method, path, `${method} ${path} timed out after ${this.options.timeoutMs} ms`, undefined, undefined, { cause: error });
      }
      throw new MlflowRequestError('network', method, path, `${method} ${path} failed: ${describeNetworkError(error)}`, undefined, undefined, { cause: error });
    }

    if (status < 200 || status >= 300) {
      const { errorCode, message } = parseErrorBody(text);
      throw new MlflowRequestError('http', method, path, `${method} ${path} failed with HTTP ${status}${errorCode ? ` ${errorCode}` : ''}: ${message}`, status, errorCode);
    }
    if (text.trim() === '') return {};
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new MlflowRequestError('http', method, path, `${method} ${path} returned a body that is not JSON: ${text.slice(0, 200)}`, status);
    }
  }
}

function checkBatchLimits(metrics: number, params: number, tags: number): void {
  const limits = MLFLOW_LIMITS;
  if (metrics > limits.metricsPerBatch || params > limits.paramsPerBatch || tags > limits.tagsPerBatch || metrics + params + tags > limits.entitiesPerBatch) {
    throw new Error(
      `log-batch request has ${metrics} metrics, ${params} params and ${tags} tags; MLflow accepts at most ` +
        `${limits.metricsPerBatch} metrics, ${limits.paramsPerBatch} params, ${limits.tagsPerBatch} tags and ${limits.entitiesPerBatch} in total`,
    );
  }
}

/** JSON has no NaN or infinities; protobuf's JSON form, which the server parses, spells them as strings. */
export function encodeMetricValue(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

function decodeMetric(metric: MlflowMetric): MlflowMetric {
  return { ...metric, value: Number(metric.value), timestamp: Number(metric.timestamp), step: Number(metric.step ?? 0) };
}

function decodeRun(run: MlflowRun): MlflowRun {
  return { ...run, data: { ...run.data, metrics: run.data.metrics?.map(decodeMetric) } };
}

/**
 * Converts a run's artifact root to its artifact proxy path: `mlflow-artifacts:/1/abc/artifacts`
 * (or with a host, `mlflow-artifacts://host/1/abc/artifacts`) becomes `1/abc/artifacts`.
 */
function proxiedArtifactPath(artifactUri: string): string {
  const match = /^mlflow-artifacts:(?:\/\/[^/]*)?\/?(.*)$/.exec(artifactUri);
  if (match === null) {
    throw new Error(
      `the server does not proxy artifacts for this run (artifact URI '${artifactUri}'); ` +
        'start `mlflow server` with --serve-artifacts (the default) to upload artifacts through it',
    );
  }
  return (match[1] ?? '').replace(/\/+$/, '');
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function queryString(query: RequestOptions['query']): string {
  if (query === undefined) return '';
  const parameters = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) parameters.set(key, String(value));
  }
  const text = parameters.toString();
  return text === '' ? '' : `?${text}`;
}

function parseErrorBody(text: string): { errorCode?: string; message: string } {
  try {
    const body = JSON.parse(text) as { error_code?: string; message?: string; detail?: string };
    return { errorCode: body.error_code, message: body.message ?? body.detail ?? text.slice(0, 500) };
  } catch {
    return { message: text.trim().slice(0, 500) || '(empty body)' };
  }
}

/** Extracts the system error code (ECONNREFUSED, ECONNRESET, ...) that undici attaches to a failed fetch. */
function networkErrorCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

function describeNetworkError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  const detail = networkErrorCode(error) ?? (cause instanceof Error ? cause.message : undefined);
  return detail === undefined ? message : `${message} (${detail})`;
}

/** True when a failed create certainly did not reach the server, so sending it again cannot duplicate it. */
function certainlyNotProcessed(error: MlflowRequestError): boolean {
  if (error.kind === 'http') return error.status === 429;
  return error.kind === 'network' && networkErrorCode(error.cause) === 'ECONNREFUSED';
}
