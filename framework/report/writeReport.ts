import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../run/writeFileAtomic.ts';
import { buildFigures, evaluationGroups, type Figure } from './buildFigures.ts';
import { readRunData, type RunData } from './readRunData.ts';
import { renderPng } from './renderPng.ts';
import { escapeXml } from './svgCharts.ts';

/** Files of a written report, relative to the run directory. */
export interface ReportFiles {
  readonly html: string;
  readonly figures: readonly string[];
}

/**
 * Writes `report.html` and the PNG figures under `report/` into a run
 * directory, from the files the run left there. The HTML embeds the figures
 * as data URIs and has no scripts, styles or fonts from elsewhere, so it
 * opens without a network.
 */
export function writeReport(directory: string): ReportFiles {
  const run = readRunData(directory);
  const figures = buildFigures(run);
  const figureDirectory = join(directory, 'report');
  rmSync(figureDirectory, { recursive: true, force: true });
  mkdirSync(figureDirectory, { recursive: true });
  const images = figures.map((figure) => {
    const png = renderPng(figure.svg);
    writeFileSync(join(figureDirectory, figure.file), png);
    return { figure, png };
  });
  writeFileAtomic(join(directory, 'report.html'), reportHtml(run, images));
  return { html: 'report.html', figures: figures.map((figure) => `report/${figure.file}`) };
}

function reportHtml(run: RunData, images: ReadonlyArray<{ figure: Figure; png: Buffer }>): string {
  const { record } = run;
  const sections = [
    `<h1>${escapeXml(record.recipe)}: run ${escapeXml(record.runId)}</h1>`,
    `<p>Status <b>${escapeXml(record.status)}</b> on backend ${escapeXml(record.backend)}, started ${escapeXml(record.startedAt)}` +
      `${record.endedAt === undefined ? '' : `, ended ${escapeXml(record.endedAt)}`}. Recipe: ${escapeXml(record.recipeFile)}.</p>`,
    record.error === undefined ? '' : `<p class="error">Error: ${escapeXml(record.error)}</p>`,
    '<h2>Stages</h2>',
    table(
      ['stage', 'type', 'status', 'seconds'],
      Object.entries(record.stages).map(([name, stage]) => [name, stageType(run, name), stage.status, stage.seconds === undefined ? '-' : stage.seconds.toFixed(1)]),
    ),
    ...metricTables(run),
    '<h2>Figures</h2>',
    ...images.map(
      ({ figure, png }) =>
        `<figure><img src="data:image/png;base64,${png.toString('base64')}" alt="${escapeXml(figure.caption)}" data-file="report/${escapeXml(figure.file)}">` +
        `<figcaption>${escapeXml(figure.caption)} <code>report/${escapeXml(figure.file)}</code></figcaption></figure>`,
    ),
  ];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeXml(`${record.recipe} ${record.runId}`)}</title>
<style>
body { font-family: DejaVu Sans, Arial, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1.5em 0; }
img { max-width: 100%; border: 1px solid #eee; }
.error { color: #b00; }
</style>
</head>
<body>
${sections.filter((section) => section !== '').join('\n')}
</body>
</html>
`;
}

function metricTables(run: RunData): string[] {
  const groups = evaluationGroups(run);
  if (groups.length === 0) return [];
  const cell = (value: number | undefined, digits: number) => (value === undefined ? '-' : value.toFixed(digits));
  return [
    '<h2>Evaluation</h2>',
    table(
      ['stage', 'model', 'AUC', 'MRR', 'nDCG@5', 'nDCG@10', 'impressions'],
      groups.map((group) => [
        group.stage,
        group.model,
        cell(group.values.AUC, 4),
        cell(group.values.MRR, 4),
        cell(group.values['nDCG@5'], 4),
        cell(group.values['nDCG@10'], 4),
        cell(group.values.impressions, 0),
      ]),
      'metrics',
    ),
    '<h2>Efficiency</h2>',
    '<p>News encoding throughput encodes the titles of the evaluate stage\'s throughput sample without caches. ' +
      'Scoring latency excludes news encoding, because evaluation reuses cached news vectors.</p>',
    table(
      ['stage', 'model', 'parameters', 'news encoder parameters', 'news/s', 'scoring ms per impression'],
      groups.map((group) => [
        group.stage,
        group.model,
        cell(group.values.parameters, 0),
        cell(group.values.news_encoder_parameters, 0),
        cell(group.values.news_per_second, 1),
        cell(group.values.scoring_ms_per_impression, 3),
      ]),
      'efficiency',
    ),
  ];
}

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>, id?: string): string {
  const head = `<tr>${header.map((title) => `<th>${escapeXml(title)}</th>`).join('')}</tr>`;
  const body = rows.map((row) => `<tr>${row.map((value, column) => `<td${column >= 2 || /^[\d.-]+$/.test(value) ? ' class="number"' : ''}>${escapeXml(value)}</td>`).join('')}</tr>`);
  return `<table${id === undefined ? '' : ` id="${id}"`}>\n${[head, ...body].join('\n')}\n</table>`;
}

function stageType(run: RunData, stage: string): string {
  const stages = run.recipe.stages as Record<string, { type?: string }> | undefined;
  return stages?.[stage]?.type ?? '-';
}
