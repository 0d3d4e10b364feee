import type { MetricValues } from '../training/StageContext.ts';

const COLUMNS: ReadonlyArray<[key: string, title: string, digits: number]> = [
  ['AUC', 'AUC', 4],
  ['MRR', 'MRR', 4],
  ['nDCG@5', 'nDCG@5', 4],
  ['nDCG@10', 'nDCG@10', 4],
  ['parameters', 'parameters', 0],
  ['news_per_second', 'news/s', 1],
];

/** Formats evaluation metrics as a plain-text table with one row per stage and model. */
export function formatMetricsTable(metrics: Readonly<Record<string, Readonly<Record<string, MetricValues>>>>): string {
  const rows: string[][] = [['stage', 'model', ...COLUMNS.map(([, title]) => title)]];
  for (const [stage, models] of Object.entries(metrics)) {
    for (const [model, values] of Object.entries(models)) {
      rows.push([
        stage,
        model,
        ...COLUMNS.map(([key, , digits]) => {
          const value = values[key];
          return value === undefined ? '-' : value.toFixed(digits);
        }),
      ]);
    }
  }
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows
    .map((row) => row.map((cell, column) => (column < 2 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  '))
    .join('\n');
}
