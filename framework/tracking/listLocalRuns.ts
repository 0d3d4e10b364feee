import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SYNC_STATE_FILE, type ServerSyncState } from './SyncState.ts';
import { isAbandoned, readTrackingRecord, type TrackedStatus } from './TrackingRecord.ts';

/** One local run as `experiment runs` shows it. */
export interface LocalRunSummary {
  readonly directory: string;
  readonly runId: string;
  readonly recipeName: string;
  /** `ABANDONED` when the record is still RUNNING but its process is gone. */
  readonly status: TrackedStatus | 'ABANDONED';
  readonly startTime: number;
  /** Final metrics by `<stage>/<metric>`. */
  readonly metrics: Readonly<Record<string, number>>;
  /** Servers the run was uploaded to, and whether the upload is complete. */
  readonly uploads: readonly { readonly server: string; readonly complete: boolean }[];
}

/**
 * Finds run directories (`<root>/<recipe>/<run id>/` holding `run.json` or
 * `tracking.json`) and summarises each, newest first. A missing root gives
 * an empty list.
 */
export function listLocalRuns(root: string): LocalRunSummary[] {
  if (!existsSync(root)) return [];
  const runs: LocalRunSummary[] = [];
  for (const directory of candidateDirectories(root)) {
    const record = readTrackingRecord(directory);
    if (record === undefined) continue;
    runs.push({
      directory,
      runId: record.runId,
      recipeName: record.recipeName,
      status: isAbandoned(record) ? 'ABANDONED' : record.status,
      startTime: record.startTime,
      metrics: finalMetrics(directory),
      uploads: uploads(directory),
    });
  }
  return runs.sort((a, b) => b.startTime - a.startTime);
}

/** Lists the root itself when it is a run directory, else its run children and grandchildren. */
function candidateDirectories(root: string): string[] {
  if (isRunDirectory(root)) return [root];
  const found: string[] = [];
  for (const child of subdirectories(root)) {
    if (isRunDirectory(child)) found.push(child);
    else found.push(...subdirectories(child).filter(isRunDirectory));
  }
  return found;
}

function isRunDirectory(directory: string): boolean {
  return existsSync(join(directory, 'run.json')) || existsSync(join(directory, 'tracking.json'));
}

function subdirectories(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(directory, entry.name));
}

function finalMetrics(directory: string): Record<string, number> {
  const path = join(directory, 'metrics.json');
  if (!existsSync(path)) return {};
  const byStage = JSON.parse(readFileSync(path, 'utf8')) as Record<string, Record<string, number | string>>;
  const flat: Record<string, number> = {};
  for (const [stage, values] of Object.entries(byStage)) {
    for (const [key, value] of Object.entries(values)) flat[`${stage}/${key}`] = Number(value);
  }
  return flat;
}

function uploads(directory: string): { server: string; complete: boolean }[] {
  const path = join(directory, SYNC_STATE_FILE);
  if (!existsSync(path)) return [];
  const { servers } = JSON.parse(readFileSync(path, 'utf8')) as { servers: Record<string, ServerSyncState> };
  return Object.entries(servers).map(([server, state]) => ({ server, complete: state.done.includes('end:run') }));
}
