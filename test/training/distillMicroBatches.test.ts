import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runDirectoryOf, writeTinyRecipe } from '../predict/tinyRun.ts';

/** Relative tolerance between split and whole batches, well above float32 rounding. */
const TOLERANCE = 1e-5;

/** Logged values of one run: every distill-fine-tune metric per step, and the dev metrics. */
interface RunValues {
  readonly steps: Map<string, number[]>;
  readonly metrics: Record<string, number>;
  /** The run's log.txt. */
  readonly log: string;
}

/**
 * Runs the tiny Tiny-NewsRec graph with dropout off in every encoder and
 * distill-fine-tune at batch 8 for 4 steps, and returns what it logged.
 */
async function runTinyDistillation(extra: string[]): Promise<RunValues> {
  const noDropout = ['teacher', 'student'].flatMap((model) => [
    '--set', `models.${model}.newsEncoder.backbone.hiddenDropout=0`,
    '--set', `models.${model}.newsEncoder.backbone.attentionDropout=0`,
  ]);
  const result = await runCli([
    'run', writeTinyRecipe('micro-distill'), '--quiet', '--no-cache',
    ...noDropout,
    '--set', 'stages.distill-fine-tune.batchSize=8',
    '--set', 'stages.distill-fine-tune.maxSteps=4',
    ...extra,
  ]);
  expect(result.code, result.stderr).toBe(0);
  const directory = runDirectoryOf(result.stdout);
  const steps = new Map<string, number[]>();
  const entries = readFileSync(join(directory, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { stage?: string; key?: string; value?: number });
  for (const entry of entries) {
    if (entry.stage !== 'distill-fine-tune' || entry.key === undefined) continue;
    const values = steps.get(entry.key) ?? [];
    values.push(entry.value as number);
    steps.set(entry.key, values);
  }
  const metrics = JSON.parse(readFileSync(join(directory, 'metrics.json'), 'utf8')).evaluate as Record<string, number>;
  const log = readFileSync(join(directory, 'log.txt'), 'utf8');
  return { steps, metrics, log };
}

/** Asserts |actual - expected| <= TOLERANCE * max(|expected|, 1e-3), naming the value in the failure. */
function expectRelativelyClose(actual: number | undefined, expected: number | undefined, name: string): void {
  expect(actual, name).toBeTypeOf('number');
  expect(expected, name).toBeTypeOf('number');
  const scale = Math.max(Math.abs(expected as number), 1e-3);
  expect(Math.abs((actual as number) - (expected as number)) / scale, `${name}: ${actual} vs ${expected}`).toBeLessThanOrEqual(
    TOLERANCE,
  );
}

describe('distill-fine-tune with micro-batches', () => {
  it('matches whole batches without dropout', { timeout: 600_000 }, async () => {
    const whole = await runTinyDistillation([]);
    // Batch 8 in parts of 3, 3 and 2.
    const parts = await runTinyDistillation(['--set', 'stages.distill-fine-tune.microBatchSize=3']);

    expect(whole.steps.get('loss')).toHaveLength(4);
    expect([...parts.steps.keys()].sort()).toEqual([...whole.steps.keys()].sort());
    const terms = ['loss', 'distillation_loss', 'target_loss', 'news_alignment_loss', 'user_alignment_loss'];
    const weightStatistics = ['beta_1', 'beta_1_std', 'beta_1_min', 'beta_1_max', 'beta_2', 'beta_2_std'];
    for (const key of [...terms, ...weightStatistics]) {
      const expected = whole.steps.get(key) ?? [];
      expect(parts.steps.get(key), key).toHaveLength(expected.length);
      expected.forEach((value, step) => expectRelativelyClose(parts.steps.get(key)?.[step], value, `${key} at step ${step + 1}`));
    }

    for (const metric of ['AUC', 'MRR', 'nDCG@5', 'nDCG@10']) {
      const key = `distill-fine-tune.model/${metric}`;
      expectRelativelyClose(parts.metrics[key], whole.metrics[key], key);
    }
  });

  it('streams samples, repeatably and in parts', { timeout: 600_000 }, async () => {
    const streamed = ['--set', 'stages.distill-fine-tune.shuffleBuffer=64'];
    const first = await runTinyDistillation(streamed);
    const again = await runTinyDistillation(streamed);
    const parts = await runTinyDistillation([...streamed, '--set', 'stages.distill-fine-tune.microBatchSize=3']);
    const table = await runTinyDistillation([]);

    expect(first.log).toMatch(/distill-fine-tune: 2 teachers; \d+ samples streamed through a shuffle buffer of 64, 4 steps of batch 8/);
    expect(parts.log).toMatch(/4 steps of batch 8 in parts of 3/);
    expect(again.steps).toEqual(first.steps);
    for (const metric of ['AUC', 'MRR', 'nDCG@5', 'nDCG@10']) {
      const key = `distill-fine-tune.model/${metric}`;
      expect(again.metrics[key], key).toBe(first.metrics[key]);
    }
    // The stream draws its own batches and negatives, so its first loss differs from the table's.
    expect(first.steps.get('loss')?.[0]).not.toBe(table.steps.get('loss')?.[0]);
    const losses = first.steps.get('loss') ?? [];
    expect(losses).toHaveLength(4);
    losses.forEach((value, step) => expectRelativelyClose(parts.steps.get('loss')?.[step], value, `streamed loss at step ${step + 1}`));
  });
});
