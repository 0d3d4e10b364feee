import { parseArgs } from 'node:util';
import { flattenParams } from '../tracking/flattenParams.ts';
import type { CommandIO } from '../run/Logger.ts';
import { UsageError } from './UsageError.ts';

export const COMPARE_HELP = `Usage: experiment compare RUN_DIR RUN_DIR...

Prints two side-by-side tables, one column per run: the resolved recipe
settings whose values differ between the runs (dotted names, such as
stages.distill-fine-tune.optimizer.learningRate), and the final metrics of
every stage and model (per-category metrics left out). A '-' marks a
setting or metric that a run does not have.

Options:
      --all    List every setting, also those equal in all runs
  -h, --help   Show this help

Example:
  experiment compare runs/quickstart/20250101-120000Z-abc123 runs/quickstart/20250102-090000Z-def456
`;

/** `experiment compare`: settings that differ and metrics of several runs, side by side. */
export async function compareCommand(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h' }, all: { type: 'boolean' } },
  });
  if (values.help === true) {
    io.stdout.write(COMPARE_HELP);
    return 0;
  }
  if (positionals.length < 2) {
    throw new UsageError(`compare: expected at least two run directories, got ${positionals.length}; see 'experiment compare --help'`);
  }
  const { readRunData } = await import('../report/readRunData.ts');
  const runs = positionals.map((directory) => readRunData(directory));
  const header = ['', ...runs.map((run) => run.record.runId)];

  const settings = runs.map((run) => Object.fromEntries(flattenParams(run.recipe, 'recipe.resolved.json').map((param) => [param.key, param.value])));
  const settingNames = [...new Set(settings.flatMap((run) => Object.keys(run)))].sort();
  const settingRows = settingNames
    .map((name) => [name, ...settings.map((run) => run[name] ?? '-')])
    .filter((row) => values.all === true || new Set(row.slice(1)).size > 1);
  io.stdout.write(settingRows.length === 0 ? 'settings: all equal\n' : `settings${values.all === true ? '' : ' that differ'}:\n${formatTable([header, ...settingRows])}\n`);

  const metricNames = [
    ...new Set(runs.flatMap((run) => Object.entries(run.final).flatMap(([stage, metrics]) => Object.keys(metrics).map((key) => `${stage}/${key}`)))),
  ].filter((name) => !name.includes('/category/'));
  const metricRows = metricNames.map((name) => {
    const slash = name.indexOf('/');
    return [name, ...runs.map((run) => formatNumber(run.final[name.slice(0, slash)]?.[name.slice(slash + 1)]))];
  });
  io.stdout.write(`\nmetrics:\n${metricRows.length === 0 ? '(none)' : formatTable([header, ...metricRows])}\n`);
  return 0;
}

function formatNumber(value: number | undefined): string {
  if (value === undefined) return '-';
  return Number.isInteger(value) ? String(value) : value.toFixed(4);
}

function formatTable(rows: ReadonlyArray<readonly string[]>): string {
  const widths = (rows[0] ?? []).map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd()).join('\n');
}
