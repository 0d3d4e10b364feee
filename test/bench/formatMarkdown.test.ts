import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ScenarioResult } from '../../bench/lib/Figure.ts';
import { escapeCell, formatMarkdown, type BenchReport } from '../../bench/lib/formatMarkdown.ts';
import { runPython } from '../../bench/lib/runPython.ts';
import { scenarioTitle } from '../../bench/lib/ScenarioOptions.ts';
import { SCENARIOS } from '../../bench/scenarios/index.ts';
import { quickVariants } from '../../bench/scenarios/training.ts';

const MACHINE = { cpu: 'test cpu', cores: 2, node: '20', platform: 'linux x64' };

function report(scenarios: ScenarioResult[], extra: Partial<BenchReport> = {}): BenchReport {
  return { startedAt: '2026-12-05T00:00:00.000Z', seconds: 1, quick: false, machine: MACHINE, scenarios, crossRatios: [], failures: [], ...extra };
}

function scenario(extra: Partial<ScenarioResult> = {}): ScenarioResult {
  return { id: 'x', title: '9. Test', figures: [], ratios: [], notes: [], peakRssMiB: 100, seconds: 2, ...extra };
}

/** Splits a Markdown table row into cells at pipes that are not escaped. */
function cellsOf(row: string): string[] {
  return row
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

describe('bench Markdown report', () => {
  it('escapes pipes in ratio cells', () => {
    const ratio = { name: '0.002 - |dev AUC on - off| after 4 steps', value: 0.001, target: 0, met: true };
    const markdown = formatMarkdown(report([scenario({ ratios: [ratio] })]));
    const row = markdown.split('\n').find((line) => line.includes('dev AUC on'));

    expect(row).toBeDefined();
    expect(cellsOf(row as string)).toHaveLength(4);
    expect(cellsOf(row as string)[0]).toBe('0.002 - \\|dev AUC on - off\\| after 4 steps');
  });

  it('escapes pipes in figure cells', () => {
    const figure = { name: 'a | b', unit: 'x|y', median: 1, min: 1, max: 1, repetitions: 1 };
    const markdown = formatMarkdown(report([scenario({ figures: [figure] })]));
    const row = markdown.split('\n').find((line) => line.startsWith('| a'));

    expect(cellsOf(row as string)).toHaveLength(6);
    expect(cellsOf(row as string)[4]).toBe('x\\|y');
  });

  it('escapes backslashes and line breaks', () => {
    expect(escapeCell('a\\|b')).toBe('a\\\\\\|b');
    expect(escapeCell('one\ntwo')).toBe('one two');
  });

  it('prints the skip reason instead of a table', () => {
    const markdown = formatMarkdown(report([scenario({ skipped: 'torch is not installed' })]));

    expect(markdown).toContain('Skipped: torch is not installed');
    expect(markdown).not.toContain('| figure |');
  });

  it('labels the peak RSS as the scenario sets it', () => {
    const labelled = formatMarkdown(report([scenario({ peakRssLabel: 'Peak RSS of the coordinating process' })]));
    const plain = formatMarkdown(report([scenario()]));

    expect(labelled).toContain('Peak RSS of the coordinating process: 100 MiB');
    expect(plain).toContain("Peak RSS of the scenario's process: 100 MiB");
  });
});

describe('bench scenario headings', () => {
  it('state the --quick sizes in quick runs', () => {
    const quickTitles = new Map(SCENARIOS.map((candidate) => [candidate.id, scenarioTitle(candidate, true)]));

    expect(quickTitles.get('kernel')).toContain('[256x384]');
    expect(quickTitles.get('training')).toContain('history 5,');
    expect(quickTitles.get('pytorch')).toContain('history 5,');
    expect(quickTitles.get('data')).toContain('20,000-row');
    expect(quickTitles.get('memory')).toContain('over 50 training steps');
  });

  it('label quick training variants with their sizes', () => {
    for (const variant of quickVariants()) {
      expect(variant.label, variant.name).toContain(`batch ${variant.settings.batchSize}`);
      expect(variant.label, variant.name).not.toContain('teacher');
    }
    const aucOn = quickVariants().find((variant) => variant.name === 'auc-on');
    expect(aucOn?.label).toContain('3 steps');
  });

  it('state the full sizes in full runs', () => {
    const fullTitles = new Map(SCENARIOS.map((candidate) => [candidate.id, scenarioTitle(candidate, false)]));

    expect(fullTitles.get('kernel')).toContain('[2048x384]');
    expect(fullTitles.get('data')).toContain('1,000,000-row');
    expect(fullTitles.get('memory')).toContain('over 1,000 training steps');
  });
});

describe('bench Python runner', () => {
  it('reports a missing module in one line', async () => {
    const script = join(mkdtempSync(join(tmpdir(), 'bench-python-')), 'missing.py');
    writeFileSync(script, 'import newsrec_module_that_does_not_exist\n');
    const logged: string[] = [];

    const outcome = await runPython('python3', script, [], (line) => logged.push(line));

    expect(outcome).toEqual({
      ok: false,
      reason: "Python module 'newsrec_module_that_does_not_exist' is not installed for python3; install it with `npm run bench:python-install`",
    });
    expect(logged).toEqual([]);
  });

  it('logs the traceback of other errors', async () => {
    const script = join(mkdtempSync(join(tmpdir(), 'bench-python-')), 'fails.py');
    writeFileSync(script, 'raise ValueError("bad size")\n');
    const logged: string[] = [];

    const outcome = await runPython('python3', script, [], (line) => logged.push(line));

    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? '' : outcome.reason).toContain('ValueError: bad size');
    expect(logged[0]).toBe('  python: Traceback (most recent call last):');
  });
});
