import { join } from 'node:path';
import { writeFileAtomic } from '../run/writeFileAtomic.ts';
import { formatValue } from './expandTrials.ts';
import { formatMetric } from './SweepMetric.ts';

/** The outcome of one trial, as `sweep.json` lists it. */
export interface TrialRecord {
  readonly number: number;
  /** Swept values by recipe path, such as `{ "stages.distill.temperature": 2 }`. */
  readonly values: Readonly<Record<string, unknown>>;
  /** KILLED: the sweep was interrupted (Ctrl-C) during this trial. SKIPPED: the sweep was interrupted before it started. */
  status: 'PENDING' | 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED' | 'SKIPPED';
  /** The metric's value; absent when the trial failed or has not finished. */
  metric?: number;
  /** Run directory, once the run has started (a trial with an invalid value has none). */
  directory?: string;
  error?: string;
  seconds?: number;
}

/** Everything `sweep.json` holds. */
export interface SweepSummary {
  readonly sweepId: string;
  readonly recipe: string;
  readonly recipeFile: string;
  /** The sweep's flags as given (`--grid ...`, `--random ...`, `--set ...`). */
  readonly flags: readonly string[];
  /** Metric compared, as `STAGE.metrics.MODEL.NAME` once a trial has logged it. */
  metric: string;
  readonly direction: 'max' | 'min';
  /** MLflow run that groups the trials, when the recipe tracks to MLflow. */
  mlflowRunId?: string;
  readonly trials: TrialRecord[];
  /** Number of the best finished trial. */
  best?: number;
}

/** Returns the number of the finished trial with the best metric; ties go to the earlier trial. */
export function bestTrial(trials: readonly TrialRecord[], direction: 'max' | 'min'): number | undefined {
  let best: TrialRecord | undefined;
  for (const trial of trials) {
    if (trial.status !== 'FINISHED' || trial.metric === undefined) continue;
    const better = best === undefined || (direction === 'max' ? trial.metric > (best.metric as number) : trial.metric < (best.metric as number));
    if (better) best = trial;
  }
  return best?.number;
}

/** Rows of the summary table: trial, values, status, metric, run directory; `*` marks the best trial. */
function tableRows(summary: SweepSummary): string[][] {
  const header = ['trial', 'values', 'status', summary.metric, 'run directory'];
  const rows = summary.trials.map((trial) => [
    `${trial.number}${trial.number === summary.best ? ' *' : ''}`,
    Object.entries(trial.values).map(([path, value]) => `${path}=${formatValue(value)}`).join(', '),
    trial.status,
    formatMetric(trial.metric),
    trial.directory ?? (trial.error === undefined ? '-' : `(${trial.error.split('\n')[0]})`),
  ]);
  return [header, ...rows];
}

/** Formats the summary as an aligned text table for the terminal. */
export function formatSweepTable(summary: SweepSummary): string {
  const rows = tableRows(summary);
  const widths = (rows[0] as string[]).map((_, column) => Math.max(...rows.map((row) => (row[column] as string).length)));
  const lines = rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] as number)).join('  ').trimEnd());
  const best = summary.best === undefined ? 'no trial finished' : `* best (${summary.direction} ${summary.metric})`;
  return `${lines.join('\n')}\n${best}\n`;
}

/** Formats the summary as Markdown: the flags, then the table. */
export function formatSweepMarkdown(summary: SweepSummary): string {
  const escape = (cell: string) => cell.replaceAll('|', '\\|');
  const [header, ...rows] = tableRows(summary) as [string[], ...string[][]];
  return [
    `# Sweep ${summary.sweepId} of ${summary.recipe}`,
    '',
    `Recipe: \`${summary.recipeFile}\`  `,
    `Flags: \`${summary.flags.join(' ')}\`  `,
    `Metric: ${summary.metric} (${summary.direction})${summary.best === undefined ? '' : `, best: trial ${summary.best}`}`,
    '',
    `| ${header.map(escape).join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
    '',
  ].join('\n');
}

/** Writes `sweep.json` and `sweep.md` into the sweep directory; both are rewritten after each trial. */
export function writeSweepSummary(directory: string, summary: SweepSummary): { json: string; markdown: string } {
  const json = `${JSON.stringify(summary, null, 2)}\n`;
  const markdown = formatSweepMarkdown(summary);
  writeFileAtomic(join(directory, 'sweep.json'), json);
  writeFileAtomic(join(directory, 'sweep.md'), markdown);
  return { json, markdown };
}
