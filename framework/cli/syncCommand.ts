import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { streamLogger, type CommandIO } from '../run/Logger.ts';
import { DEFAULT_RETRY_POLICY, MlflowClient } from '../tracking/MlflowClient.ts';
import { MlflowUploader } from '../tracking/MlflowUploader.ts';
import { resolveMlflowConnection } from '../tracking/resolveMlflowConnection.ts';
import { isAbandoned, readTrackingRecord } from '../tracking/TrackingRecord.ts';

export const SYNC_HELP = `Usage: experiment sync RUN_DIR [options]

Uploads a local run directory to an MLflow server: a parent run, a nested
run per stage, params, per-step and final metrics, artifacts and statuses.
Only what the server does not have yet is sent, so running it again, or
after an upload that stopped halfway, duplicates nothing. Progress is kept
in RUN_DIR/mlflow-sync.json. Credentials come from MLFLOW_TRACKING_TOKEN or
MLFLOW_TRACKING_USERNAME/PASSWORD.

Options:
      --tracking-uri URI   MLflow server (default: MLFLOW_TRACKING_URI)
      --experiment NAME    Experiment to log into (default: the one the run
                           used, else the recipe name)
      --timeout SECONDS    Time allowed for one HTTP request (default: 30)
      --checkpoints        Also upload each stage's saved models
  -h, --help               Show this help

Exit codes: 0 uploaded, 1 server unreachable or upload failed, 2 usage error.

Example:
  MLFLOW_TRACKING_URI=http://127.0.0.1:5000 experiment sync runs/quickstart/20250101-120000Z-abc123
`;

/** `experiment sync`: uploads a local run directory to an MLflow server. */
export async function syncCommand(args: string[], io: CommandIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        'tracking-uri': { type: 'string' },
        experiment: { type: 'string' },
        timeout: { type: 'string' },
        checkpoints: { type: 'boolean' },
      },
    });
  } catch (error) {
    return usageError(io, (error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    io.stdout.write(SYNC_HELP);
    return 0;
  }
  if (positionals.length !== 1) return usageError(io, `expected one run directory, got ${positionals.length}`);
  const directory = resolve(positionals[0] as string);
  const timeoutSeconds = Number(values.timeout ?? 30);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    return usageError(io, `--timeout must be a positive number of seconds, got '${values.timeout}'`);
  }

  if (!existsSync(directory)) return usageError(io, `run directory ${directory} not found`);
  const record = readTrackingRecord(directory);
  if (record === undefined) return usageError(io, `${directory} is not a run directory: it has neither tracking.json nor run.json`);
  if (record.status === 'RUNNING' && !isAbandoned(record)) {
    return usageError(io, `run ${record.runId} is still running (process ${record.pid}); its tracker uploads it, or sync it after it ends`);
  }

  let connection;
  try {
    connection = resolveMlflowConnection(values['tracking-uri']);
  } catch (error) {
    return usageError(io, (error as Error).message);
  }
  if (connection === undefined) return usageError(io, 'no MLflow server given: pass --tracking-uri or set MLFLOW_TRACKING_URI');

  const log = streamLogger(io);
  const client = new MlflowClient({
    connection,
    timeoutMs: timeoutSeconds * 1000,
    retry: DEFAULT_RETRY_POLICY,
    onRetry: (error, attempt, delayMs) => log.warn(`${error.message}; retry ${attempt} in ${delayMs} ms`),
  });
  const uploader = new MlflowUploader(directory, client, {
    experimentName: values.experiment,
    uploadCheckpoints: values.checkpoints === true,
    log,
  });
  try {
    const result = await uploader.uploadPending();
    log.info(`uploaded ${result.points} new metric points (${uploader.uploadedPoints} in total) to ${uploader.runUrl ?? connection.baseUrl}`);
    if (uploader.rejected.length > 0) {
      log.warn(`the server rejected ${uploader.rejected.length} upload steps; see ${directory}/mlflow-sync.json`);
    }
    return 0;
  } catch (error) {
    io.stderr.write(`experiment sync: upload to ${connection.baseUrl} failed: ${(error as Error).message}\n`);
    io.stderr.write(`nothing is lost: run the same command again once the server answers\n`);
    return 1;
  }
}

function usageError(io: CommandIO, message: string): number {
  io.stderr.write(`experiment sync: ${message}\n\nRun 'experiment sync --help' for usage.\n`);
  return 2;
}
