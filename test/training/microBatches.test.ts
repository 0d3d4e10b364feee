import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitClickBatch } from '../../framework/training/clickBatches.ts';
import type { ClickBatch } from '../../framework/training/clickForward.ts';
import { requireMiniLm } from '../model/checkpointDirectory.ts';
import { runCli, runDirectoryOf } from '../predict/tinyRun.ts';

describe('splitClickBatch', () => {
  const batch: ClickBatch = {
    size: 5,
    historyLength: 2,
    candidateCount: 3,
    histories: Int32Array.from({ length: 10 }, (_, index) => index),
    candidates: Int32Array.from({ length: 15 }, (_, index) => 100 + index),
    users: Int32Array.from([7, 8, 9, 10, 11]),
    impressionIds: ['a', 'b', 'c', 'd', 'e'],
  };

  it('keeps sample order across parts', () => {
    const parts = splitClickBatch(batch, 2);
    expect(parts.map((part) => part.size)).toEqual([2, 2, 1]);
    expect(parts.flatMap((part) => [...part.histories])).toEqual([...batch.histories]);
    expect(parts.flatMap((part) => [...part.candidates])).toEqual([...batch.candidates]);
    expect(parts.flatMap((part) => [...part.users])).toEqual([...batch.users]);
    expect(parts.flatMap((part) => part.impressionIds ?? [])).toEqual(batch.impressionIds);
  });

  it('slices the rows of each sample', () => {
    const last = splitClickBatch(batch, 2)[2] as ClickBatch;
    expect([...last.histories]).toEqual([8, 9]);
    expect([...last.candidates]).toEqual([112, 113, 114]);
    expect(last.impressionIds).toEqual(['e']);
  });
});

describe('fine-tune with micro-batches', () => {
  /** Runs the CI-sized PLM-NR recipe without dropout and returns its logged losses and dev metrics. */
  async function run(extra: string[]): Promise<{ losses: number[]; metrics: Record<string, number> }> {
    requireMiniLm();
    const output = mkdtempSync(join(tmpdir(), 'newsrec-micro-'));
    const result = await runCli([
      'run', 'experiments/ci/plm-nr.yaml', '--quiet', '--no-cache',
      '--set', `output.directory=${output}`,
      '--set', 'backend=wasm',
      '--set', 'models.plm-nr.newsEncoder.backbone.hiddenDropout=0',
      '--set', 'models.plm-nr.newsEncoder.backbone.attentionDropout=0',
      '--set', 'stages.fine-tune.logEvery=1',
      ...extra,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const directory = runDirectoryOf(result.stdout);
    const losses = readFileSync(join(directory, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { stage?: string; key?: string; value?: number })
      .filter((entry) => entry.stage === 'fine-tune' && entry.key === 'loss')
      .map((entry) => entry.value as number);
    const metrics = JSON.parse(readFileSync(join(directory, 'metrics.json'), 'utf8')).evaluate as Record<string, number>;
    return { losses, metrics };
  }

  it('matches whole batches without dropout', { timeout: 300_000 }, async () => {
    const whole = await run([]);
    // Batch 8 in parts of 3, 3 and 2.
    const parts = await run(['--set', 'stages.fine-tune.microBatchSize=3']);
    expect(whole.losses).toHaveLength(10);
    expect(parts.losses).toHaveLength(10);
    parts.losses.forEach((loss, index) => expect(loss).toBeCloseTo(whole.losses[index] as number, 4));
    for (const metric of ['AUC', 'MRR', 'nDCG@5', 'nDCG@10']) {
      const key = `fine-tune.models[0]/${metric}`;
      expect(parts.metrics[key], metric).toBeCloseTo(whole.metrics[key] as number, 3);
    }
  });
});
