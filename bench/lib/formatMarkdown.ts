import type { Ratio, ScenarioResult } from './Figure.ts';

/** Everything one `npm run bench` measured. */
export interface BenchReport {
  readonly startedAt: string;
  readonly seconds: number;
  readonly quick: boolean;
  readonly machine: { readonly cpu: string; readonly cores: number; readonly node: string; readonly platform: string };
  readonly scenarios: readonly ScenarioResult[];
  /** Ratios between figures of two scenarios (ours against PyTorch). */
  readonly crossRatios: readonly Ratio[];
  /** Scenarios whose process failed, with the reason. */
  readonly failures: readonly string[];
}

/** Formats a number with three significant digits (more before the decimal point when needed). */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

/** Escapes a table cell: `|` would end the cell and a line break would end the row. */
export function escapeCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Renders the report as Markdown: one table per scenario, then every ratio with its target. */
export function formatMarkdown(report: BenchReport): string {
  const lines: string[] = [
    `# newsrec-lab benchmark, ${report.startedAt}${report.quick ? ' (--quick: sizes and repetitions reduced, not comparable)' : ''}`,
    '',
    `${report.machine.cpu}, ${report.machine.cores} cores, Node ${report.machine.node}, ${report.machine.platform}; ${report.seconds.toFixed(0)} s in total.`,
    'Each figure is the median of the measured repetitions after warm-up, with their min and max.',
    '',
  ];
  for (const scenario of report.scenarios) {
    lines.push(`## ${scenario.title}`, '');
    if (scenario.skipped !== undefined) {
      lines.push(`Skipped: ${scenario.skipped}`);
    } else {
      lines.push('| figure | median | min | max | unit | repetitions |', '|---|---:|---:|---:|---|---:|');
      for (const figure of scenario.figures) {
        const cells = [figure.name, formatNumber(figure.median), formatNumber(figure.min), formatNumber(figure.max), figure.unit, String(figure.repetitions)];
        lines.push(`| ${cells.map(escapeCell).join(' | ')} |`);
      }
    }
    const rssLabel = scenario.peakRssLabel ?? "Peak RSS of the scenario's process";
    lines.push('', `${rssLabel}: ${scenario.peakRssMiB.toFixed(0)} MiB; ${scenario.seconds.toFixed(0)} s.`);
    for (const note of scenario.notes) lines.push(`- ${note}`);
    lines.push('');
  }
  const ratios = [...report.scenarios.flatMap((scenario) => scenario.ratios), ...report.crossRatios];
  if (ratios.length > 0) {
    lines.push('## Ratios and targets', '', '| ratio | value | target | met |', '|---|---:|---:|---|');
    for (const ratio of ratios) {
      let met = '';
      if (ratio.met !== undefined) met = ratio.met ? 'yes' : 'no';
      const cells = [ratio.name, formatNumber(ratio.value), ratio.target === undefined ? '' : `≥ ${formatNumber(ratio.target)}`, met];
      lines.push(`| ${cells.map(escapeCell).join(' | ')} |`);
    }
    lines.push('');
  }
  if (report.failures.length > 0) {
    lines.push('## Failed scenarios', '', ...report.failures.map((failure) => `- ${failure}`), '');
  }
  return `${lines.join('\n')}\n`;
}
