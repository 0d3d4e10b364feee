import type { Static } from '@sinclair/typebox';
import type { Logger } from '../../framework/run/Logger.ts';
import { BackgroundUpload } from '../../framework/tracking/BackgroundUpload.ts';
import { MlflowClient } from '../../framework/tracking/MlflowClient.ts';
import { MlflowUploader } from '../../framework/tracking/MlflowUploader.ts';
import { resolveMlflowConnection } from '../../framework/tracking/resolveMlflowConnection.ts';
import { SyncState } from '../../framework/tracking/SyncState.ts';
import { readTrackingRecord, type TrackingRecord } from '../../framework/tracking/TrackingRecord.ts';
import { LocalTracker } from './LocalTracker.ts';
import type { mlflowTracker } from './mlflow.ts';
import type { RunInfo, RunStatus, Tracker } from './Tracker.ts';

type MlflowTrackerSettings = Static<(typeof mlflowTracker)['settings']>;

/**
 * Records the run locally with a LocalTracker, which makes the run directory
 * the spool, and uploads that directory to MLflow in the background. Logging
 * a step only appends to `metrics.jsonl` and bumps a counter, so a slow or
 * stopped server never slows training. The end of the run waits up to
 * `endTimeoutSeconds` for the last uploads and prints how to sync if they fail.
 */
export class MlflowTracker implements Tracker {
  private readonly local: LocalTracker;
  private upload: BackgroundUpload | undefined;
  private uploader: MlflowUploader | undefined;
  private directory = '';

  constructor(
    private readonly settings: MlflowTrackerSettings,
    private readonly log: Logger,
  ) {
    this.local = new LocalTracker(settings.experimentName);
  }

  async start(run: RunInfo): Promise<void> {
    const before = run.resumed === true ? readTrackingRecord(run.directory) : undefined;
    await this.local.start(run);
    this.directory = run.directory;
    const connection = resolveMlflowConnection(this.settings.trackingUri);
    if (connection === undefined) {
      this.log.warn(
        'mlflow tracker: no tracking URI (set tracker.trackingUri or MLFLOW_TRACKING_URI); ' +
          `the run is recorded in ${run.directory} only; upload it later with: experiment sync ${run.directory}`,
      );
      return;
    }

    const client = new MlflowClient({
      connection,
      timeoutMs: this.settings.requestTimeoutSeconds * 1000,
      retry: { maxAttempts: this.settings.maxAttempts, initialDelayMs: 500, maxDelayMs: 8000 },
    });
    if (before !== undefined) await reopenRuns(run.directory, client, before, this.log);
    this.uploader = new MlflowUploader(run.directory, client, {
      experimentName: this.settings.experimentName,
      uploadCheckpoints: this.settings.uploadCheckpoints,
      log: this.log,
    });
    this.upload = new BackgroundUpload(this.uploader, {
      intervalMs: this.settings.flushIntervalSeconds * 1000,
      maxRetryDelayMs: this.settings.maxRetryIntervalSeconds * 1000,
      serverUrl: connection.baseUrl,
      directory: run.directory,
      log: this.log,
    });
    this.log.info(`MLflow: logging to ${connection.baseUrl}, experiment '${this.settings.experimentName ?? run.recipeName}'`);
    this.upload.start();
  }

  async startStage(stage: string): Promise<void> {
    await this.local.startStage(stage);
    this.upload?.requestPass();
  }

  logStep(stage: string, values: Readonly<Record<string, number>>, step: number): void {
    this.local.logStep(stage, values, step);
    this.upload?.notifyPoints(Object.keys(values).length);
  }

  logFinal(stage: string, values: Readonly<Record<string, number>>): void {
    this.local.logFinal(stage, values);
  }

  async endStage(stage: string, status: RunStatus, error?: string): Promise<void> {
    await this.local.endStage(stage, status, error);
    this.upload?.requestPass();
  }

  async end(status: RunStatus, error?: string): Promise<void> {
    await this.local.end(status, error);
    if (this.upload === undefined || this.uploader === undefined) return;
    const result = await this.upload.finish(this.settings.endTimeoutSeconds * 1000);
    const rejected = this.uploader.rejected.length;
    if (rejected > 0) {
      this.log.warn(`MLflow rejected ${rejected} upload steps (listed in ${this.directory}/mlflow-sync.json); they stay in the run directory only`);
    }
    if (result.complete) {
      this.log.info(`MLflow: run uploaded: ${this.uploader.runUrl ?? '(run address unknown)'}`);
    } else {
      this.log.warn(
        `MLflow: the run is not fully uploaded (${result.reason ?? 'unknown reason'}). Everything is recorded in ` +
          `${this.directory}; upload the rest with: experiment sync ${this.directory}`,
      );
    }
  }
}

/**
 * Prepares the upload of a resumed run, so that it continues the MLflow runs
 * whose ids `mlflow-sync.json` keeps instead of creating new ones. The upload
 * steps that ended the parent run, sent its end-of-run artifacts and ended the
 * unfinished stages are marked as not done. Those runs go back to RUNNING,
 * and the uploader ends them again when the run ends.
 */
async function reopenRuns(directory: string, client: MlflowClient, before: TrackingRecord, log: Logger): Promise<void> {
  const state = SyncState.load(directory);
  const progress = state.forServer(client.baseUrl);
  const unfinished = before.stages.filter((stage) => stage.status !== 'FINISHED').map((stage) => stage.name);
  const redo = (step: string) =>
    step === 'end:run' ||
    (step.startsWith('artifact:') && step !== 'artifact:recipe.yaml') ||
    unfinished.some((stage) => step === `final:${stage}` || step === `end:stage:${stage}`);
  progress.done = progress.done.filter((step) => !redo(step));
  state.save();
  const reopened = [progress.runs.run, ...unfinished.map((stage) => progress.runs[`stage:${stage}`])];
  for (const synced of reopened) {
    if (synced === undefined) continue;
    try {
      await client.updateRun({ runId: synced.runId, status: 'RUNNING' });
    } catch (error) {
      log.warn(`MLflow: run ${synced.runId} could not be set back to RUNNING (${(error as Error).message}); its final status is set when the run ends`);
    }
  }
  if (progress.runs.run !== undefined) log.info(`MLflow: continuing run ${progress.runs.run.runId}`);
}
