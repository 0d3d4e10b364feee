import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CommandIO } from '../run/Logger.ts';
import { UsageError } from './UsageError.ts';

export const REPORT_HELP = `Usage: experiment report RUN_DIR

Writes RUN_DIR/report.html and the PNG figures under RUN_DIR/report/ again,
from the run's metrics files: loss curves per stage, teacher weights (alpha,
beta) over training with their spread across samples, evaluation metrics per
stage and model, AUC per news category, and parameters, news/s and scoring
latency per model. The HTML embeds every figure, so it opens without a
network. Every run writes the report when it finishes; use this command
after a failed run or a change of the report code. The regenerated files are
not uploaded to MLflow (experiment sync uploads only files it has not sent).

Options:
  -h, --help   Show this help

Example:
  experiment report runs/quickstart/20250101-120000Z-abc123
`;

/** `experiment report`: regenerates a run's report.html and figures. */
export async function reportCommand(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } });
  if (values.help === true) {
    io.stdout.write(REPORT_HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError(`report: expected one run directory, got ${positionals.length}; see 'experiment report --help'`);
  }
  const directory = positionals[0] as string;
  const { writeReport } = await import('../report/writeReport.ts');
  const report = writeReport(directory);
  io.stdout.write(`report: ${join(directory, report.html)}\n`);
  for (const figure of report.figures) io.stdout.write(`figure: ${join(directory, figure)}\n`);
  return 0;
}
