import type { ParentRun } from '../../components/tracker/Tracker.ts';
import type { Logger } from '../run/Logger.ts';
import type { Recipe } from '../spec/Recipe.ts';
import { MlflowClient } from '../tracking/MlflowClient.ts';
import type { MlflowRunStatus } from '../tracking/MlflowEntities.ts';
import { MLFLOW_LIMITS } from '../tracking/mlflowLimits.ts';
import { resolveMlflowConnection } from '../tracking/resolveMlflowConnection.ts';
import { toMlflowKey } from '../tracking/toMlflowKey.ts';

/** Settings of the mlflow tracker that the sweep run reads; validation has filled in the defaults. */
interface MlflowTrackerSpec {
  readonly type: string;
  readonly trackingUri?: string;
  readonly experimentName?: string;
  readonly requestTimeoutSeconds: number;
  readonly maxAttempts: number;
}

/**
 * The MLflow run that groups a sweep's trials. Each trial's parent run gets
 * its id as `mlflow.parentRunId`, so the MLflow UI nests the trials under it.
 * It carries the sweep's flags as params, the best value as a metric and the
 * summary files as artifacts.
 */
export class MlflowSweepRun {
  private constructor(
    private readonly client: MlflowClient,
    readonly runId: string,
    private readonly artifactUri: string,
    readonly url: string,
    private readonly log: Logger,
  ) {}

  /**
   * Creates the sweep run when the recipe's tracker is `mlflow` with a
   * tracking URI (its own or MLFLOW_TRACKING_URI). Returns undefined
   * otherwise, and also when the server cannot be reached (with a warning),
   * because the trials record themselves locally and sync later.
   */
  static async start(recipe: Recipe, sweepId: string, params: Readonly<Record<string, string>>, log: Logger): Promise<MlflowSweepRun | undefined> {
    const tracker = recipe.tracker as unknown as MlflowTrackerSpec;
    if (tracker.type !== 'mlflow') return undefined;
    const connection = resolveMlflowConnection(tracker.trackingUri);
    if (connection === undefined) return undefined;
    const client = new MlflowClient({
      connection,
      timeoutMs: tracker.requestTimeoutSeconds * 1000,
      retry: { maxAttempts: tracker.maxAttempts, initialDelayMs: 500, maxDelayMs: 8000 },
    });
    try {
      const experimentId = await client.ensureExperiment(tracker.experimentName ?? recipe.name);
      const run = await client.createRun({
        experimentId,
        runName: `sweep ${sweepId}`,
        startTime: Date.now(),
        tags: [
          { key: 'newsrec.sweep_id', value: sweepId },
          { key: 'newsrec.run_key', value: `sweep/${sweepId}` },
        ],
      });
      const entries = Object.entries(params).map(([key, value]) => ({ key, value: value.slice(0, MLFLOW_LIMITS.paramValueLength) }));
      for (let start = 0; start < entries.length; start += MLFLOW_LIMITS.paramsPerBatch) {
        await client.logBatch(run.info.run_id, { params: entries.slice(start, start + MLFLOW_LIMITS.paramsPerBatch) });
      }
      const url = `${client.baseUrl}/#/experiments/${experimentId}/runs/${run.info.run_id}`;
      log.info(`MLflow: sweep run ${url}`);
      return new MlflowSweepRun(client, run.info.run_id, run.info.artifact_uri ?? '', url, log);
    } catch (error) {
      log.warn(`MLflow: the sweep run could not be created (${(error as Error).message}); trials are logged without a sweep parent`);
      return undefined;
    }
  }

  /** Returns the parent that a trial passes to runRecipe, so that its tracker nests the trial under this run. */
  parentFor(trial: number): ParentRun {
    return { runId: this.runId, tags: { 'newsrec.sweep_run_id': this.runId, 'newsrec.sweep_trial': String(trial) } };
  }

  /** Logs the best metric value, uploads the summary files and ends the run; failures only warn. */
  async finish(status: MlflowRunStatus, metric: { key: string; value: number } | undefined, files: Readonly<Record<string, string>>): Promise<void> {
    try {
      if (metric !== undefined) {
        await this.client.logBatch(this.runId, {
          metrics: [{ key: toMlflowKey(`best/${metric.key}`), value: metric.value, timestamp: Date.now(), step: 0 }],
        });
      }
      if (this.artifactUri.startsWith('mlflow-artifacts:')) {
        for (const [name, contents] of Object.entries(files)) {
          await this.client.uploadArtifact(this.artifactUri, name, new TextEncoder().encode(contents));
        }
      }
      await this.client.updateRun({ runId: this.runId, status, endTime: Date.now() });
    } catch (error) {
      this.log.warn(`MLflow: the sweep run ${this.runId} could not be completed (${(error as Error).message})`);
    }
  }
}
