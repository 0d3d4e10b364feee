import { existsSync, openAsBlob, readdirSync, readFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Logger } from '../run/Logger.ts';
import type { MlflowClient } from './MlflowClient.ts';
import type { MlflowMetric, MlflowRunStatus, MlflowTag } from './MlflowEntities.ts';
import { MLFLOW_LIMITS } from './mlflowLimits.ts';
import { MlflowRequestError } from './MlflowRequestError.ts';
import { flattenParams } from './flattenParams.ts';
import { SyncState, type ServerSyncState, type SyncedRun } from './SyncState.ts';
import { toMlflowKey } from './toMlflowKey.ts';
import { isAbandoned, readTrackingRecord, type TrackedStage, type TrackingRecord } from './TrackingRecord.ts';

export interface MlflowUploaderOptions {
  /** Experiment to log into; by default the one the run recorded, else the recipe name. */
  readonly experimentName?: string;
  /** Upload each finished stage's `stages/<stage>/` files (saved models) as artifacts of its run. */
  readonly uploadCheckpoints: boolean;
  readonly log: Logger;
}

/** Outcome of one upload pass. */
export interface UploadResult {
  /** True when the run has ended and everything it recorded is on the server. */
  readonly complete: boolean;
  /** Metric points sent in this pass. */
  readonly points: number;
}

/** The artifact that contains the whole resolved recipe; truncated params name it. */
const RECIPE_ARTIFACT = 'recipe.resolved.json';
/** Bytes of `metrics.jsonl` read at a time. */
const READ_CHUNK_BYTES = 4 * 1024 * 1024;
const ABANDONED_ERROR = 'the process ended without recording the end of the run (killed or crashed)';

/**
 * Replays a local run directory into an MLflow server: one parent run, one
 * nested run per stage, params, tags, per-step and final metrics, artifacts
 * and end states. The run directory is the source of truth and the only input,
 * so the same code uploads a run while it trains and syncs a finished or
 * crashed run later. Progress is saved in `mlflow-sync.json` after every step.
 * Repeating a step duplicates nothing on the server. Runs are found again by
 * their `newsrec.run_key` tag. Metric points keep the timestamps they were
 * recorded with, and the SQL stores of MLflow 3.17.2 ignore a point identical
 * to a stored one. Params may be logged again with the same value, and tags
 * and artifacts are overwritten.
 *
 * Transient failures (no connection, timeouts, 5xx, 429) and rejected
 * credentials propagate, so the caller can retry later. Other rejections by
 * the server are recorded in the sync state, logged, and skipped, so that one
 * bad value cannot block the rest of the run.
 */
export class MlflowUploader {
  private readonly state: SyncState;
  private readonly progress: ServerSyncState;

  constructor(
    private readonly directory: string,
    private readonly client: MlflowClient,
    private readonly options: MlflowUploaderOptions,
  ) {
    this.state = SyncState.load(directory);
    this.progress = this.state.forServer(client.baseUrl);
  }

  /** Address of the parent run in the MLflow UI, once it exists. */
  get runUrl(): string | undefined {
    const parent = this.progress.runs.run;
    if (parent === undefined || this.progress.experimentId === undefined) return undefined;
    return `${this.client.baseUrl}/#/experiments/${this.progress.experimentId}/runs/${parent.runId}`;
  }

  get rejected(): ServerSyncState['rejected'] {
    return this.progress.rejected;
  }

  get uploadedPoints(): number {
    return this.progress.uploadedPoints;
  }

  /** Uploads everything in the run directory that the server does not have yet. */
  async uploadPending(): Promise<UploadResult> {
    const record = readTrackingRecord(this.directory);
    if (record === undefined) {
      throw new Error(`${this.directory} is not a run directory: it has neither tracking.json nor run.json`);
    }
    const abandoned = isAbandoned(record);
    const runEnded = record.status !== 'RUNNING' || abandoned;

    const experimentId = await this.ensureExperiment(record);
    const parent = await this.ensureRun('run', experimentId, record.runId, this.parentTags(record));
    const recipe = this.readJson(RECIPE_ARTIFACT);
    await this.step('params:run', () => this.logParams(parent.runId, flattenParams(recipe ?? {}, RECIPE_ARTIFACT)));
    await this.uploadFile(parent, 'artifact:recipe.yaml', 'recipe.yaml', 'recipe.yaml');
    await this.uploadFile(parent, `artifact:${RECIPE_ARTIFACT}`, RECIPE_ARTIFACT, RECIPE_ARTIFACT);

    const stageRuns = new Map<string, SyncedRun>();
    for (const stage of record.stages) {
      const tags = this.stageTags(record, stage, parent.runId);
      const run = await this.ensureRun(`stage:${stage.name}`, experimentId, stage.name, tags, stage.startTime);
      stageRuns.set(stage.name, run);
      const settings = (recipe as { stages?: Record<string, unknown> } | undefined)?.stages?.[stage.name] ?? {};
      await this.step(`params:stage:${stage.name}`, () =>
        this.logParams(run.runId, flattenParams(settings, `${RECIPE_ARTIFACT} of the parent run`)),
      );
    }

    const points = await this.uploadStepMetrics(stageRuns, runEnded ? parent : undefined);

    const finalMetrics = (this.readJson('metrics.json') ?? {}) as Record<string, Record<string, number | string>>;
    for (const stage of record.stages) {
      const run = stageRuns.get(stage.name) as SyncedRun;
      const ended = stage.status !== 'RUNNING' || runEnded;
      if (!ended) continue;
      await this.step(`final:${stage.name}`, () => this.logFinalMetrics(stage, finalMetrics[stage.name], run, parent));
      if (this.options.uploadCheckpoints) await this.uploadCheckpoints(stage, run);
      const status = stage.status === 'RUNNING' ? 'FAILED' : stage.status;
      const error = stage.status === 'RUNNING' ? (record.error ?? ABANDONED_ERROR) : stage.error;
      await this.step(`end:stage:${stage.name}`, () => this.endRun(run, status, stage.endTime ?? record.endTime ?? Date.now(), error));
    }

    if (!runEnded) return { complete: false, points };
    for (const name of ['run.json', 'metrics.json', 'log.txt', 'report.html']) {
      await this.uploadFile(parent, `artifact:${name}`, name, name);
    }
    // The run report's figures (report/*.png), written before the run ends.
    const figures = join(this.directory, 'report');
    for (const file of existsSync(figures) ? listFiles(figures) : []) {
      const name = relative(this.directory, file).split(sep).join('/');
      await this.uploadFile(parent, `artifact:${name}`, name, name);
    }
    const status = abandoned ? 'FAILED' : (record.status as MlflowRunStatus);
    const error = abandoned ? ABANDONED_ERROR : record.error;
    await this.step('end:run', () => this.endRun(parent, status, record.endTime ?? Date.now(), error));
    return { complete: true, points };
  }

  private async ensureExperiment(record: TrackingRecord): Promise<string> {
    const name = this.options.experimentName ?? this.progress.experimentName ?? record.experimentName ?? record.recipeName;
    if (this.progress.experimentId !== undefined && this.progress.experimentName === name) {
      return this.progress.experimentId;
    }
    this.progress.experimentId = await this.client.ensureExperiment(name);
    this.progress.experimentName = name;
    this.state.save();
    return this.progress.experimentId;
  }

  /**
   * Returns the MLflow run for a key (`run` or `stage:<name>`), creating it
   * when the sync state has none. Before creating, it searches the experiment
   * for a run with the same `newsrec.run_key` tag, because a create request
   * that timed out may still have created the run.
   * NOTE: a create that is still in flight at the server during the search
   * (a very slow server) can still leave a second run with the same key.
   */
  private async ensureRun(
    key: string,
    experimentId: string,
    runName: string,
    tags: MlflowTag[],
    startTime?: number,
  ): Promise<SyncedRun> {
    const known = this.progress.runs[key];
    if (known !== undefined) return known;
    const runKey = tags.find((tag) => tag.key === 'newsrec.run_key')?.value ?? '';
    const found = await this.client.searchRuns({
      experimentIds: [experimentId],
      filter: `tags.\`newsrec.run_key\` = '${runKey.replace(/'/g, "\\'")}'`,
    });
    const run =
      found[0] ??
      (await this.client.createRun({ experimentId, runName, startTime: startTime ?? Date.now(), tags }));
    const synced = { runId: run.info.run_id, artifactUri: run.info.artifact_uri ?? '' };
    this.progress.runs[key] = synced;
    this.state.save();
    return synced;
  }

  private parentTags(record: TrackingRecord): MlflowTag[] {
    return tagList({
      ...record.tags,
      'newsrec.run_key': record.runId,
      'newsrec.local_run_id': record.runId,
      'newsrec.run_directory': this.directory,
    });
  }

  private stageTags(record: TrackingRecord, stage: TrackedStage, parentRunId: string): MlflowTag[] {
    return tagList({
      ...record.tags,
      'mlflow.parentRunId': parentRunId,
      'newsrec.run_key': `${record.runId}/${stage.name}`,
      'newsrec.local_run_id': record.runId,
      'newsrec.stage': stage.name,
      ...(stage.type === undefined ? {} : { 'newsrec.stage_type': stage.type }),
    });
  }

  private async logParams(runId: string, params: ReturnType<typeof flattenParams>): Promise<void> {
    for (let start = 0; start < params.length; start += MLFLOW_LIMITS.paramsPerBatch) {
      await this.client.logBatch(runId, { params: params.slice(start, start + MLFLOW_LIMITS.paramsPerBatch) });
    }
  }

  /**
   * Sends the lines of `metrics.jsonl` past the uploaded offset, in batches of
   * at most 1000 points for one run, and moves the offset after each batch.
   * The run may start a stage and log its steps while this pass awaits the
   * server, so a line of a stage missing from `stageRuns` ends the pass; the
   * next pass reads the record again. Once the run has ended, such lines go
   * to `endedParent`.
   */
  private async uploadStepMetrics(stageRuns: ReadonlyMap<string, SyncedRun>, endedParent: SyncedRun | undefined): Promise<number> {
    const path = join(this.directory, 'metrics.jsonl');
    if (!existsSync(path)) return 0;
    const handle = await open(path, 'r');
    let points = 0;
    try {
      for (;;) {
        const lines = await readCompleteLines(handle, this.progress.metricsOffset);
        if (lines.length === 0) return points;
        const runOf = (line: MetricLine) => stageRuns.get(line.stage ?? '') ?? endedParent;
        let index = 0;
        while (index < lines.length) {
          const first = lines[index] as MetricLine;
          const run = runOf(first);
          if (run === undefined) return points;
          const batch: MlflowMetric[] = [];
          let end = first.end;
          while (index < lines.length && batch.length < MLFLOW_LIMITS.metricsPerBatch) {
            const line = lines[index] as MetricLine;
            if (runOf(line) !== run) break;
            if (line.metric !== undefined) batch.push(line.metric);
            end = line.end;
            index++;
          }
          if (batch.length > 0) {
            await this.rejectable(`metrics up to byte ${end} of metrics.jsonl`, () => this.client.logBatch(run.runId, { metrics: batch }));
          }
          this.progress.metricsOffset = end;
          this.progress.uploadedPoints += batch.length;
          points += batch.length;
          this.state.save();
        }
      }
    } finally {
      await handle.close();
    }
  }

  /**
   * Logs a stage's final metrics to its run at the stage's last step, and to
   * the parent run as `<stage>/<metric>` so runs compare on one row of the
   * experiment table. A final metric named like one of the stage's step
   * metrics adds one more point to that metric's history.
   */
  private async logFinalMetrics(
    stage: TrackedStage,
    values: Record<string, number | string> | undefined,
    run: SyncedRun,
    parent: SyncedRun,
  ): Promise<void> {
    if (values === undefined) return;
    const timestamp = stage.finalTime ?? stage.endTime ?? Date.now();
    const entries = Object.entries(values).map(([name, value]) => ({ name, value: Number(value) }));
    for (let start = 0; start < entries.length; start += MLFLOW_LIMITS.metricsPerBatch) {
      const slice = entries.slice(start, start + MLFLOW_LIMITS.metricsPerBatch);
      const step = stage.lastStep ?? 0;
      await this.client.logBatch(run.runId, {
        metrics: slice.map(({ name, value }) => ({ key: toMlflowKey(name), value, timestamp, step })),
      });
      await this.client.logBatch(parent.runId, {
        metrics: slice.map(({ name, value }) => ({ key: toMlflowKey(`${stage.name}/${name}`), value, timestamp, step: 0 })),
      });
    }
  }

  private async uploadCheckpoints(stage: TrackedStage, run: SyncedRun): Promise<void> {
    const root = join(this.directory, 'stages', stage.name);
    if (!existsSync(root)) return;
    for (const file of listFiles(root)) {
      const artifactPath = relative(root, file).split(sep).join('/');
      await this.uploadFile(run, `artifact:stage:${stage.name}:${artifactPath}`, relative(this.directory, file), artifactPath);
    }
  }

  private async uploadFile(run: SyncedRun, stepName: string, localName: string, artifactPath: string): Promise<void> {
    const file = join(this.directory, localName);
    if (!existsSync(file)) return;
    await this.step(stepName, async () => {
      if (!run.artifactUri.startsWith('mlflow-artifacts:')) {
        this.reject(stepName, `the server does not proxy artifacts (run artifact URI '${run.artifactUri}'); start mlflow server with --serve-artifacts`);
        return;
      }
      await this.client.uploadArtifact(run.artifactUri, artifactPath, await openAsBlob(file));
    });
  }

  private async endRun(run: SyncedRun, status: MlflowRunStatus, endTime: number, error: string | undefined): Promise<void> {
    if (error !== undefined) {
      await this.client.setTag(run.runId, 'newsrec.error', truncate(error, MLFLOW_LIMITS.tagValueLength));
    }
    await this.client.updateRun({ runId: run.runId, status, endTime });
  }

  /** Runs an upload step once: skipped when the sync state lists it as done, listed after it succeeds. */
  private async step(name: string, action: () => Promise<void>): Promise<void> {
    if (this.progress.done.includes(name)) return;
    await this.rejectable(name, action);
    this.progress.done.push(name);
    this.state.save();
  }

  /** Runs an action; a final rejection by the server is recorded and skipped, anything else propagates. */
  private async rejectable(name: string, action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (error) {
      if (!(error instanceof MlflowRequestError) || error.transient || error.unauthorized) throw error;
      this.reject(name, error.message);
    }
  }

  private reject(name: string, message: string): void {
    this.progress.rejected.push({ step: name, message });
    this.options.log.warn(`MLflow rejected ${name}: ${message}; it stays in ${this.directory} only`);
  }

  private readJson(name: string): unknown {
    const path = join(this.directory, name);
    return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as unknown) : undefined;
  }
}

/** One line of `metrics.jsonl`, with the byte offset just past it. */
interface MetricLine {
  readonly stage?: string;
  readonly metric?: MlflowMetric;
  readonly end: number;
}

/**
 * Reads up to READ_CHUNK_BYTES from `offset` and returns the complete lines in
 * it. A last line without its newline is left for a later read, because the
 * run may still be writing it. A line that is not valid JSON yields no metric.
 */
async function readCompleteLines(handle: FileHandle, offset: number): Promise<MetricLine[]> {
  const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  const { bytesRead } = await handle.read(buffer, 0, READ_CHUNK_BYTES, offset);
  const lines: MetricLine[] = [];
  let start = 0;
  for (let newline = buffer.indexOf(10, start); newline >= 0 && newline < bytesRead; newline = buffer.indexOf(10, start)) {
    const text = buffer.toString('utf8', start, newline);
    start = newline + 1;
    lines.push({ ...parseMetricLine(text), end: offset + start });
  }
  return lines;
}

function parseMetricLine(text: string): Omit<MetricLine, 'end'> {
  try {
    const line = JSON.parse(text) as { stage?: string; key: string; step: number; value: number | string; timestamp: number };
    return {
      stage: line.stage,
      metric: { key: toMlflowKey(line.key), value: Number(line.value), timestamp: line.timestamp, step: line.step },
    };
  } catch {
    return {};
  }
}

function tagList(tags: Record<string, string>): MlflowTag[] {
  return Object.entries(tags).map(([key, value]) => ({ key, value: truncate(value, MLFLOW_LIMITS.tagValueLength) }));
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 3)}...`;
}

function listFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}
