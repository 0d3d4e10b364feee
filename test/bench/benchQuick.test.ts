import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BenchReport } from '../../bench/lib/formatMarkdown.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const SCENARIO_IDS = ['kernel', 'encoding', 'training', 'evaluation', 'pytorch', 'data', 'memory'];

/**
 * Runs `npm run bench -- --quick` once and checks what it writes: the JSON
 * shape and that every number is finite and in range. Speed is not checked;
 * --quick sizes are too small for that.
 */
describe('bench --quick', () => {
  let report: BenchReport;
  let markdown: string;
  let exitCode: number | null;
  let benchStderr: string;

  beforeAll(async () => {
    const out = mkdtempSync(join(tmpdir(), 'bench-quick-'));
    // An asynchronous child keeps this worker's event loop free to reply to vitest while the benchmark runs.
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'run.ts'), '--quick', '--out', out], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
    benchStderr = stderr;
    if (exitCode !== 0) console.error(stderr.slice(-4000));
    const files = readdirSync(out);
    const json = files.find((file) => file.endsWith('.json'));
    const md = files.find((file) => file.endsWith('.md'));
    if (json === undefined || md === undefined) throw new Error(`bench wrote ${files.join(', ') || 'nothing'} to ${out}`);
    report = JSON.parse(readFileSync(join(out, json), 'utf8')) as BenchReport;
    markdown = readFileSync(join(out, md), 'utf8');
  }, 1_600_000);

  it('exits 0 without failed scenarios', () => {
    expect(exitCode).toBe(0);
    expect(report.failures).toEqual([]);
    expect(report.quick).toBe(true);
  });

  it('runs every scenario in order', () => {
    expect(report.scenarios.map((scenario) => scenario.id)).toEqual(SCENARIO_IDS);
  });

  it('reports finite figures in range', () => {
    for (const scenario of report.scenarios) {
      expect(scenario.peakRssMiB, `${scenario.id} peak RSS`).toBeGreaterThan(0);
      expect(Number.isFinite(scenario.seconds), `${scenario.id} seconds`).toBe(true);
      for (const figure of scenario.figures) {
        const where = `${scenario.id}: ${figure.name}`;
        for (const value of [figure.median, figure.min, figure.max]) {
          expect(Number.isFinite(value), `${where} is finite`).toBe(true);
        }
        expect(figure.min, `${where} min <= median`).toBeLessThanOrEqual(figure.median);
        expect(figure.median, `${where} median <= max`).toBeLessThanOrEqual(figure.max);
        expect(figure.repetitions, `${where} repetitions`).toBeGreaterThanOrEqual(1);
        if (figure.unit === 'AUC') {
          expect(figure.median, where).toBeGreaterThan(0);
          expect(figure.median, where).toBeLessThan(1);
        } else {
          expect(figure.min, `${where} is positive`).toBeGreaterThan(0);
        }
      }
    }
  });

  it('measures each scenario', () => {
    for (const scenario of report.scenarios) {
      if (scenario.id === 'pytorch' && scenario.figures.length === 0) {
        // Without torch the scenario reports the missing packages instead of measuring.
        expect(scenario.skipped).toMatch(/^torch and transformers are not importable/);
        expect(markdown).toContain(`Skipped: ${scenario.skipped}`);
        continue;
      }
      expect(scenario.figures.length, `${scenario.id} figures`).toBeGreaterThan(0);
    }
  });

  it('gives finite ratios', () => {
    const ratios = [...report.scenarios.flatMap((scenario) => scenario.ratios), ...report.crossRatios];
    expect(ratios.length).toBeGreaterThan(0);
    for (const ratio of ratios) {
      expect(Number.isFinite(ratio.value), ratio.name).toBe(true);
      if (ratio.target !== undefined) expect(ratio.met, ratio.name).toBe(ratio.value >= ratio.target);
    }
  });

  it('keeps tensor count flat', () => {
    const memory = report.scenarios.find((scenario) => scenario.id === 'memory');
    const flat = memory?.ratios.find((ratio) => ratio.name.startsWith('tensor count'));
    expect(flat?.value).toBe(1);
  });

  it('writes a Markdown table per scenario', () => {
    for (const scenario of report.scenarios) {
      expect(markdown).toContain(`## ${scenario.title}`);
    }
    expect(markdown).toContain('## 6. Data: reading a generated 20,000-row behaviors.tsv');
    expect(markdown).not.toContain('1,000,000-row');
    expect(markdown).toContain('| figure | median | min | max | unit | repetitions |');
  });

  it('prints no Python traceback', () => {
    expect(benchStderr).not.toContain('Traceback (most recent call last)');
  });
});
