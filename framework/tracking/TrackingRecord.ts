import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord } from '../run/RunDirectory.ts';

/** Name of the tracker's record in a run directory. */
export const TRACKING_FILE = 'tracking.json';

export type TrackedStatus = 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED';

/** One stage as the tracker saw it; times are milliseconds since the Unix epoch. */
export interface TrackedStage {
  readonly name: string;
  /** The stage component's `type`, such as `fine-tune`. */
  readonly type?: string;
  readonly startTime: number;
  endTime?: number;
  status: TrackedStatus;
  error?: string;
  /** Largest step logged by the stage; its final metrics are logged at this step. */
  lastStep?: number;
  /** Time of the stage's last logFinal call; its final metrics carry this timestamp. */
  finalTime?: number;
}

/**
 * What a tracker records about a run beyond the metric files (`tracking.json`):
 * start and end times, status and error of the run and of each stage, and the
 * source tags collected at start. `experiment sync` rebuilds the MLflow runs
 * from this record, `metrics.jsonl` and `metrics.json`.
 */
export interface TrackingRecord {
  readonly runId: string;
  readonly recipeName: string;
  /** Experiment name chosen by the recipe's tracker, when it set one. */
  experimentName?: string;
  readonly startTime: number;
  endTime?: number;
  status: TrackedStatus;
  error?: string;
  /** Process that writes the record while the run is going. */
  readonly pid: number;
  /** Tags for the parent run: source, git commit, backend, package version. */
  readonly tags: Record<string, string>;
  /** Stages in the order they started. */
  readonly stages: TrackedStage[];
}

/**
 * Reads `tracking.json` of a run directory. Runs recorded before it existed
 * get a record rebuilt from `run.json`, without tags and stage times.
 * Returns undefined when the directory contains neither file.
 */
export function readTrackingRecord(directory: string): TrackingRecord | undefined {
  const trackingPath = join(directory, TRACKING_FILE);
  if (existsSync(trackingPath)) {
    return JSON.parse(readFileSync(trackingPath, 'utf8')) as TrackingRecord;
  }
  const runPath = join(directory, 'run.json');
  if (!existsSync(runPath)) return undefined;
  const run = JSON.parse(readFileSync(runPath, 'utf8')) as RunRecord;
  const startTime = Date.parse(run.startedAt);
  const endTime = run.endedAt === undefined ? undefined : Date.parse(run.endedAt);
  return {
    runId: run.runId,
    recipeName: run.recipe,
    startTime,
    endTime,
    status: run.status,
    error: run.error,
    pid: 0,
    tags: { 'newsrec.backend': run.backend },
    stages: Object.entries(run.stages).map(([name, stage]) => ({
      name,
      startTime,
      status: stage.status as TrackedStatus,
      endTime: stage.status === 'RUNNING' ? undefined : endTime,
    })),
  };
}

/**
 * True when the record shows RUNNING but the process that wrote it is gone
 * (killed or crashed before it could record the end).
 */
export function isAbandoned(record: TrackingRecord): boolean {
  if (record.status !== 'RUNNING') return false;
  if (record.pid === 0) return true;
  try {
    process.kill(record.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
