import { describe, expect, it } from 'vitest';
import { BarRenderer } from '../../framework/progress/BarRenderer.ts';
import { PlainRenderer } from '../../framework/progress/PlainRenderer.ts';
import type { ProgressEvent, RunSummary } from '../../framework/progress/ProgressEvent.ts';
import { runCli, writeTinyRecipe } from '../predict/tinyRun.ts';

function capture() {
  const out = { stdout: '', stderr: '' };
  const io = {
    stdout: { write: (chunk: string) => ((out.stdout += chunk), true), columns: 100 },
    stderr: { write: (chunk: string) => ((out.stderr += chunk), true) },
  };
  return { io, out };
}

const SUMMARY: RunSummary = {
  runId: 'r1',
  recipe: 'tiny',
  status: 'FINISHED',
  backend: 'wasm',
  seconds: 75,
  stages: [{ name: 'post-train', type: 'post-train', status: 'FINISHED', seconds: 70 }],
  metrics: { evaluate: { student: { AUC: 0.61234, MRR: 0.3, 'nDCG@5': 0.31, 'nDCG@10': 0.4 } } },
  directory: '/runs/tiny/r1',
  mlflowRunUrl: 'http://127.0.0.1:5000/#/experiments/1/runs/abc',
};

/** Steps 1..total of one stage, one second apart. */
function steps(total: number, start = 0): ProgressEvent[] {
  return Array.from({ length: total }, (_, index) => ({
    event: 'step' as const,
    time: start + index * 1000,
    stage: 'post-train',
    step: index + 1,
    total,
    values: { loss: 2 - index / 10 },
  }));
}

describe('PlainRenderer', () => {
  it('prints first, periodic and last steps', () => {
    const { io, out } = capture();
    const renderer = new PlainRenderer(io, 5);
    for (const event of steps(12)) renderer.emit(event);
    expect(out.stdout.trim().split('\n')).toEqual([
      'post-train: step 1/12 (8%) loss 2.0000',
      'post-train: step 6/12 (50%) loss 1.5000, 1.00 step/s, ETA 0:06',
      'post-train: step 11/12 (91%) loss 1.0000, 1.00 step/s, ETA 0:01',
      'post-train: step 12/12 (100%) loss 0.9000, 1.00 step/s',
    ]);
  });

  it('sends warnings to stderr', () => {
    const { io, out } = capture();
    const renderer = new PlainRenderer(io);
    renderer.emit({ event: 'log', time: 0, level: 'info', message: 'data: 600 news' });
    renderer.emit({ event: 'log', time: 0, level: 'warning', message: 'server down' });
    expect(out.stdout).toBe('data: 600 news\n');
    expect(out.stderr).toBe('warning: server down\n');
  });

  it('prints the summary', () => {
    const { io, out } = capture();
    new PlainRenderer(io).emit({ event: 'summary', time: 0, ...SUMMARY });
    expect(out.stdout).toContain('run r1 (tiny): FINISHED in 1m 15s on wasm');
    expect(out.stdout).toMatch(/post-train\s+post-train\s+FINISHED\s+1m 10s/);
    expect(out.stdout).toMatch(/evaluate\s+student\s+0\.6123/);
    expect(out.stdout).toContain('run directory: /runs/tiny/r1\n');
    expect(out.stdout).toContain('MLflow run: http://127.0.0.1:5000/#/experiments/1/runs/abc');
  });
});

describe('BarRenderer', () => {
  it('redraws one line in place', () => {
    const { io, out } = capture();
    const renderer = new BarRenderer(io);
    for (const event of steps(4)) renderer.emit(event);
    renderer.emit({ event: 'stage-end', time: 4000, stage: 'post-train', status: 'FINISHED', seconds: 4 });
    const frames = out.stdout.split('\r\x1b[2K').filter((frame) => frame !== '');
    expect(frames[1]).toBe('post-train  ████████████░░░░░░░░░░░░  2/4   50%  1.00 step/s  ETA 0:02  loss 1.9000');
    expect(frames.at(-1)).toBe('post-train  ████████████████████████  4/4  100%  1.00 step/s  in 4.0 s  loss 1.7000\n');
    expect(out.stdout.split('\n')).toHaveLength(2);
  });

  it('prints log lines above the bar', () => {
    const { io, out } = capture();
    const renderer = new BarRenderer(io);
    const [first] = steps(4);
    renderer.emit(first as ProgressEvent);
    renderer.emit({ event: 'log', time: 10, level: 'info', message: 'snapshot 1/2 kept' });
    expect(out.stdout).toMatch(/\r\x1b\[2Ksnapshot 1\/2 kept\npost-train  █+░+  1\/4/);
  });

  it('cuts lines to the terminal width', () => {
    const { io, out } = capture();
    io.stdout.columns = 30;
    new BarRenderer(io).emit(steps(4)[0] as ProgressEvent);
    expect(out.stdout.replace('\r\x1b[2K', '')).toHaveLength(29);
  });
});

describe('experiment run --json', () => {
  it('prints one JSON event per line', { timeout: 240_000 }, async () => {
    const result = await runCli(['run', writeTinyRecipe('json'), '--json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line, index) => {
        try {
          return JSON.parse(line) as ProgressEvent;
        } catch (error) {
          throw new Error(`line ${index + 1} is not JSON: ${line}`, { cause: error });
        }
      });
    expect(events[0]?.event).toBe('log');
    expect(events.find((event) => event.event === 'run-start')).toBeDefined();
    const kinds = events.map((event) => event.event);
    expect(kinds.filter((kind) => kind === 'stage-start')).toHaveLength(5);
    expect(kinds.filter((kind) => kind === 'stage-end')).toHaveLength(5);
    expect(kinds.at(-2)).toBe('run-end');
    expect(kinds.at(-1)).toBe('summary');

    const postTrainSteps = events.filter((event) => event.event === 'step' && event.stage === 'post-train');
    expect(postTrainSteps.map((event) => (event as { step: number }).step)).toEqual([1, 2, 3]);
    expect(postTrainSteps.every((event) => (event as { total: number }).total === 3)).toBe(true);
    expect(typeof (postTrainSteps[0] as unknown as { values: { loss: number } }).values.loss).toBe('number');

    const summary = events.at(-1) as Extract<ProgressEvent, { event: 'summary' }>;
    expect(summary.status).toBe('FINISHED');
    expect(summary.stages.map((stage) => stage.name)).toEqual(['post-train', 'distill-post-train', 'fine-tune-teachers', 'distill-fine-tune', 'evaluate']);
    expect(summary.metrics.evaluate?.['distill-fine-tune.model']?.AUC).toBeGreaterThan(0);
  });

  it('rejects --quiet with --json', async () => {
    const result = await runCli(['run', 'x.yaml', '--json', '--quiet']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('run: --quiet and --json exclude each other');
  });
});
