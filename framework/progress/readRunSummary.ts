import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord } from '../run/RunDirectory.ts';
import { SYNC_STATE_FILE, type ServerSyncState } from '../tracking/SyncState.ts';
import type { MetricValues } from '../training/StageContext.ts';
import type { RunSummary } from './ProgressEvent.ts';

/**
 * Builds the summary of a run from its directory: `run.json` for status,
 * backend and stage times, `recipe.resolved.json` for stage types, and
 * `mlflow-sync.json` for the MLflow run address when the run was uploaded.
 */
export function readRunSummary(
  directory: string,
  metrics: Readonly<Record<string, Readonly<Record<string, MetricValues>>>>,
): RunSummary {
  const record = JSON.parse(readFileSync(join(directory, 'run.json'), 'utf8')) as RunRecord;
  const recipe = readJson(join(directory, 'recipe.resolved.json')) as { stages?: Record<string, { type?: string }> } | undefined;
  const ended = record.endedAt === undefined ? Date.now() : Date.parse(record.endedAt);
  const mlflowRunUrl = mlflowRunUrlOf(directory);
  return {
    runId: record.runId,
    recipe: record.recipe,
    status: record.status,
    backend: record.backend,
    seconds: (ended - Date.parse(record.startedAt)) / 1000,
    stages: Object.entries(record.stages).map(([name, stage]) => ({
      name,
      type: recipe?.stages?.[name]?.type ?? '-',
      status: stage.status,
      ...(stage.seconds === undefined ? {} : { seconds: stage.seconds }),
    })),
    metrics,
    directory,
    ...(mlflowRunUrl === undefined ? {} : { mlflowRunUrl }),
  };
}

/** The MLflow UI address of the parent run, from the first server the run was uploaded to. */
function mlflowRunUrlOf(directory: string): string | undefined {
  const state = readJson(join(directory, SYNC_STATE_FILE)) as { servers?: Record<string, ServerSyncState> } | undefined;
  for (const [baseUrl, server] of Object.entries(state?.servers ?? {})) {
    const parent = server.runs.run;
    if (parent !== undefined && server.experimentId !== undefined) {
      return `${baseUrl}/#/experiments/${server.experimentId}/runs/${parent.runId}`;
    }
  }
  return undefined;
}

function readJson(path: string): unknown {
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
}
