import { formatMetricsTable } from '../run/formatMetricsTable.ts';
import { formatDuration } from './formatDuration.ts';
import type { RunSummary } from './ProgressEvent.ts';

/**
 * The end-of-run screen: status and total time, one row per stage with its
 * time, the evaluation metrics table, and where the run directory and the
 * MLflow run are.
 */
export function formatRunSummary(summary: RunSummary): string {
  const lines = [`run ${summary.runId} (${summary.recipe}): ${summary.status} in ${formatDuration(summary.seconds)} on ${summary.backend}`];
  const nameWidth = Math.max(5, ...summary.stages.map((stage) => stage.name.length));
  const typeWidth = Math.max(4, ...summary.stages.map((stage) => stage.type.length));
  lines.push('', `${'stage'.padEnd(nameWidth)}  ${'type'.padEnd(typeWidth)}  ${'status'.padEnd(8)}  time`);
  for (const stage of summary.stages) {
    const time = stage.seconds === undefined ? '-' : formatDuration(stage.seconds);
    lines.push(`${stage.name.padEnd(nameWidth)}  ${stage.type.padEnd(typeWidth)}  ${stage.status.padEnd(8)}  ${time}`);
  }
  if (Object.keys(summary.metrics).length > 0) {
    lines.push('', formatMetricsTable(summary.metrics));
  }
  lines.push('', `run directory: ${summary.directory}`);
  if (summary.mlflowRunUrl !== undefined) lines.push(`MLflow run: ${summary.mlflowRunUrl}`);
  return lines.join('\n');
}
