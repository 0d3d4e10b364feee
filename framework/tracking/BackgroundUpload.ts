import type { Logger } from '../run/Logger.ts';
import { backoffDelay } from './backoffDelay.ts';
import { MLFLOW_LIMITS } from './mlflowLimits.ts';
import { MlflowRequestError } from './MlflowRequestError.ts';
import type { MlflowUploader, UploadResult } from './MlflowUploader.ts';

export interface BackgroundUploadOptions {
  /** Time between upload passes while the server responds, in milliseconds. */
  readonly intervalMs: number;
  /** Cap on the wait between passes while the server does not respond, in milliseconds. */
  readonly maxRetryDelayMs: number;
  /** Server address for messages (no credentials). */
  readonly serverUrl: string;
  readonly directory: string;
  readonly log: Logger;
}

/** Outcome of the final upload at the end of a run. */
export interface FinishResult {
  readonly complete: boolean;
  /** Why the upload is incomplete, for the message that asks the user to sync. */
  readonly reason?: string;
}

/**
 * Runs upload passes of an MlflowUploader in the background, off the training
 * loop: every `intervalMs`, or sooner once 1000 metric points wait. When the
 * server stops responding, the run goes on recording locally and passes are
 * retried with growing delays; the first pass that gets through uploads what
 * was recorded meanwhile. Rejected credentials stop the uploads for this run.
 */
export class BackgroundUpload {
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<UploadResult | undefined> | undefined;
  private pendingPoints = 0;
  private failedPasses = 0;
  private lastError: string | undefined;
  private stopped = false;
  private disabledReason: string | undefined;

  constructor(
    private readonly uploader: MlflowUploader,
    private readonly options: BackgroundUploadOptions,
  ) {}

  start(): void {
    this.schedule(0);
  }

  /** Counts new metric points; starts a pass early when a full batch waits. Cheap enough to call every step. */
  notifyPoints(count: number): void {
    this.pendingPoints += count;
    if (this.pendingPoints >= MLFLOW_LIMITS.metricsPerBatch && this.failedPasses === 0 && this.current === undefined) {
      this.schedule(0);
    }
  }

  /** Starts a pass soon, for events such as the end of a stage. */
  requestPass(): void {
    if (this.failedPasses === 0 && this.current === undefined) this.schedule(0);
  }

  /**
   * Stops the periodic passes and keeps uploading until the run is complete on
   * the server or `timeoutMs` has passed.
   */
  async finish(timeoutMs: number): Promise<FinishResult> {
    this.stopped = true;
    clearTimeout(this.timer);
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 1; ; attempt++) {
      if (this.disabledReason !== undefined) return { complete: false, reason: this.disabledReason };
      const remaining = deadline - Date.now();
      if (remaining <= 0) return { complete: false, reason: this.lastError ?? 'timed out' };
      const result = await withTimeout(this.pass(), remaining);
      if (result === 'timeout') return { complete: false, reason: `upload still running after ${timeoutMs} ms` };
      if (result?.complete === true) return { complete: true };
      if (result !== undefined) continue;
      const delay = Math.min(backoffDelay(attempt, this.retryPolicy()), deadline - Date.now());
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped || this.disabledReason !== undefined) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      void this.pass().then(() => this.scheduleNext());
    }, delayMs);
    // The timer must not keep a finished process alive.
    this.timer.unref();
  }

  private scheduleNext(): void {
    const delay = this.failedPasses === 0 ? this.options.intervalMs : backoffDelay(this.failedPasses, this.retryPolicy());
    this.schedule(delay);
  }

  /** Runs one pass, or waits for the one in flight; undefined when it failed. */
  private pass(): Promise<UploadResult | undefined> {
    if (this.current === undefined) {
      this.pendingPoints = 0;
      this.current = this.runPass().finally(() => {
        this.current = undefined;
      });
    }
    return this.current;
  }

  private async runPass(): Promise<UploadResult | undefined> {
    try {
      const result = await this.uploader.uploadPending();
      if (this.failedPasses > 0) {
        this.options.log.info(
          `MLflow server ${this.options.serverUrl} responds again after ${this.failedPasses} failed upload attempts; ` +
            `${this.uploader.uploadedPoints} metric points uploaded so far`,
        );
      }
      this.failedPasses = 0;
      this.lastError = undefined;
      return result;
    } catch (error) {
      this.handleFailure(error);
      return undefined;
    }
  }

  private handleFailure(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.lastError = message;
    if (error instanceof MlflowRequestError && error.unauthorized) {
      this.disabledReason = `the server rejected the credentials: ${message}`;
      this.options.log.warn(
        `MLflow: ${this.disabledReason}; check MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/PASSWORD. ` +
          `Uploads stop for this run; it is recorded in ${this.options.directory}`,
      );
      return;
    }
    if (!(error instanceof MlflowRequestError) || !error.transient) {
      this.disabledReason = message;
      this.options.log.warn(`MLflow upload failed: ${message}. Uploads stop for this run; it is recorded in ${this.options.directory}`);
      return;
    }
    this.failedPasses++;
    if (this.failedPasses === 1) {
      this.options.log.warn(
        `MLflow server ${this.options.serverUrl} is not responding (${message}); the run goes on, ` +
          `records everything in ${this.options.directory} and uploads it when the server responds again`,
      );
    }
  }

  private retryPolicy() {
    return { maxAttempts: Number.POSITIVE_INFINITY, initialDelayMs: this.options.intervalMs, maxDelayMs: this.options.maxRetryDelayMs };
  }
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
