import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runDirectoryOf } from '../predict/tinyRun.ts';
import { writeLongRunRecipe } from './longRunRecipe.ts';

describe('fine-tune early stopping', () => {
  it('scores the dev subset and keeps the best weights', { timeout: 300_000 }, async () => {
    const { file } = writeLongRunRecipe({ fineTuneSteps: 12 });
    const result = await runCli([
      'run',
      file,
      '--no-cache',
      '--set',
      'stages.fine-tune.earlyStopping={every: 4, patience: 5, impressions: 50}',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const points = readFileSync(join(runDirectoryOf(result.stdout), 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { stage: string; key: string; step: number; value: number });
    for (const model of ['model_1', 'model_2']) {
      const evaluations = points.filter((point) => point.key === `${model}/dev_AUC`);
      expect(evaluations.map((point) => point.step)).toEqual([4, 8, 12]);
      for (const point of evaluations) {
        expect(point.value).toBeGreaterThan(0);
        expect(point.value).toBeLessThan(1);
      }
      const best = evaluations.reduce((top, point) => (point.value > top.value ? point : top));
      expect(result.stdout).toContain(`fine-tune: kept the weights of step ${best.step} (dev AUC ${best.value.toFixed(4)})`);
    }
  });
});
