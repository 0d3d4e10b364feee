import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../run/writeFileAtomic.ts';

/** Name of the upload progress file in a run directory. */
export const SYNC_STATE_FILE = 'mlflow-sync.json';

/** An MLflow run created for the local run (key `run`) or one of its stages (key `stage:<name>`). */
export interface SyncedRun {
  readonly runId: string;
  readonly artifactUri: string;
}

/** Something the server rejected with a final error; it stays only in the run directory. */
export interface RejectedUpload {
  readonly step: string;
  readonly message: string;
}

/** How far a run directory has been uploaded to one server. */
export interface ServerSyncState {
  experimentId?: string;
  experimentName?: string;
  runs: Record<string, SyncedRun>;
  /** Upload steps already done (params, artifacts, final metrics, run ends), by name. */
  done: string[];
  /** Bytes of `metrics.jsonl` already uploaded; always ends on a line boundary. */
  metricsOffset: number;
  /** Metric points uploaded so far from `metrics.jsonl`. */
  uploadedPoints: number;
  rejected: RejectedUpload[];
}

/**
 * Upload progress of a run directory, per server base URL, kept in
 * `mlflow-sync.json` and rewritten atomically after every step, so that an
 * upload that stops anywhere resumes without sending a step twice.
 */
export class SyncState {
  private readonly servers: Record<string, ServerSyncState>;

  private constructor(
    private readonly path: string,
    servers: Record<string, ServerSyncState>,
  ) {
    this.servers = servers;
  }

  static load(directory: string): SyncState {
    const path = join(directory, SYNC_STATE_FILE);
    const servers = existsSync(path)
      ? (JSON.parse(readFileSync(path, 'utf8')) as { servers: Record<string, ServerSyncState> }).servers
      : {};
    return new SyncState(path, servers);
  }

  /** The progress for one server, created empty on first use. */
  forServer(baseUrl: string): ServerSyncState {
    const existing = this.servers[baseUrl];
    if (existing !== undefined) return existing;
    const created: ServerSyncState = { runs: {}, done: [], metricsOffset: 0, uploadedPoints: 0, rejected: [] };
    this.servers[baseUrl] = created;
    return created;
  }

  save(): void {
    writeFileAtomic(this.path, `${JSON.stringify({ servers: this.servers }, null, 2)}\n`);
  }
}
