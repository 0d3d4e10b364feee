import { parseArgs } from 'node:util';
import type { CommandIO } from '../run/Logger.ts';
import { listLocalRuns, type LocalRunSummary } from '../tracking/listLocalRuns.ts';

export const RUNS_HELP = `Usage: experiment runs [DIR] [--json]

Lists the local runs under DIR (default: runs/), newest first, with their
status, final metrics and MLflow upload state. DIR may also be one run
directory. A run shown as ABANDONED says RUNNING but its process is gone.

Options:
      --json   Print the list as JSON
  -h, --help   Show this help

Example:
  experiment runs runs/quickstart
`;

/** Metrics that the table shows when a run has them; `--json` lists all. */
const KEY_METRICS = ['auc', 'mrr', 'ndcg@5', 'ndcg@10'];

/** `experiment runs`: lists local run directories. */
export async function runsCommand(args: string[], io: CommandIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { help: { type: 'boolean', short: 'h' }, json: { type: 'boolean' } },
    });
  } catch (error) {
    io.stderr.write(`experiment runs: ${(error as Error).message}\n\n${RUNS_HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    io.stdout.write(RUNS_HELP);
    return 0;
  }
  if (positionals.length > 1) {
    io.stderr.write(`experiment runs: expected at most one directory, got ${positionals.length}\n\n${RUNS_HELP}`);
    return 2;
  }
  const root = positionals[0] ?? 'runs';
  const runs = listLocalRuns(root);
  if (values.json === true) {
    io.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
    return 0;
  }
  if (runs.length === 0) {
    io.stdout.write(`no runs found under ${root}\n`);
    return 0;
  }
  io.stdout.write(`${formatRuns(runs)}\n`);
  return 0;
}

function formatRuns(runs: readonly LocalRunSummary[]): string {
  const header = ['RUN', 'RECIPE', 'STATUS', 'STARTED', 'METRICS', 'MLFLOW', 'DIRECTORY'];
  const rows = runs.map((run) => [
    run.runId,
    run.recipeName,
    run.status,
    new Date(run.startTime).toISOString().replace('T', ' ').slice(0, 19),
    keyMetrics(run.metrics),
    run.uploads.length === 0 ? 'local' : run.uploads.map((upload) => `${upload.complete ? 'synced' : 'partial'} ${upload.server}`).join(', '),
    run.directory,
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  return [header, ...rows].map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd()).join('\n');
}

/**
 * Formats the key metrics of the first model of the last stage that logged
 * any, such as `evaluate student: AUC 0.712 MRR 0.334 (+1 model)`; `--json`
 * shows them all.
 */
function keyMetrics(metrics: Readonly<Record<string, number>>): string {
  const names = Object.keys(metrics);
  // Per-category metrics (`<stage>/<model>/category/<name>/AUC`) stay out of the one-line summary.
  const keyNames = names.filter(
    (name) => KEY_METRICS.includes(metricName(name).toLowerCase()) && !name.includes('/category/'),
  );
  if (keyNames.length === 0) return names.length === 0 ? '-' : `${names.length} final metrics`;

  const stage = (keyNames[keyNames.length - 1] as string).split('/')[0] as string;
  const ofStage = keyNames.filter((name) => name.startsWith(`${stage}/`));
  const groups = [...new Set(ofStage.map(groupName))];
  const first = groups[0] as string;
  const shown = ofStage
    .filter((name) => groupName(name) === first)
    .map((name) => `${metricName(name)} ${(metrics[name] as number).toFixed(3)}`)
    .join(' ');
  const more = groups.length > 1 ? ` (+${groups.length - 1} ${groups.length === 2 ? 'model' : 'models'})` : '';
  return `${first.replace('/', ' ')}: ${shown}${more}`;
}

/** `evaluate/student/AUC` gives `AUC`. */
function metricName(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

/** `evaluate/student/AUC` gives `evaluate/student`, the stage and model of the metric. */
function groupName(name: string): string {
  return name.slice(0, name.lastIndexOf('/'));
}
