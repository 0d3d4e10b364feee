import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunInfo } from '../../components/tracker/Tracker.ts';
import type { Logger } from '../../framework/run/Logger.ts';
import type { MlflowClient } from '../../framework/tracking/MlflowClient.ts';
import type { MlflowMetric } from '../../framework/tracking/MlflowEntities.ts';
import { toMlflowKey } from '../../framework/tracking/toMlflowKey.ts';

/** A resolved recipe with a param longer than MLflow's 6000-character limit. */
export const RECIPE = {
  name: 'tracking-test',
  seed: 7,
  backend: 'cpu',
  data: { type: 'synthetic-mind', news: 50, note: 'x'.repeat(7000) },
  tracker: { type: 'mlflow' },
  models: { student: { newsEncoder: { type: 'plm', layers: 2 }, userEncoder: { type: 'attention' } } },
  stages: {
    'post-train': { type: 'post-train', steps: 30, learningRate: 0.0001 },
    evaluate: { type: 'evaluate', models: ['post-train.model'] },
  },
};

/** Creates a run directory as the runner does, and the RunInfo for a tracker. */
export function createRunDirectory(root: string, runId: string): RunInfo {
  const directory = join(root, RECIPE.name, runId);
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'recipe.yaml'), `name: ${RECIPE.name}\n`);
  writeFileSync(join(directory, 'recipe.resolved.json'), `${JSON.stringify(RECIPE, null, 2)}\n`);
  writeFileSync(join(directory, 'log.txt'), 'run started\n');
  writeFileSync(
    join(directory, 'run.json'),
    JSON.stringify({ runId, recipe: RECIPE.name, recipeFile: '/tmp/tracking-test.yaml', status: 'RUNNING', backend: 'cpu', startedAt: new Date().toISOString(), stages: {} }),
  );
  return { runId, recipeName: RECIPE.name, recipeFile: join(import.meta.dirname, 'syntheticRun.ts'), directory, recipe: RECIPE, backend: 'cpu' };
}

/** Step metrics of the synthetic post-train stage: a loss, a learning rate and teacher weights. */
export function stepValues(step: number): Record<string, number> {
  return { loss: 1 / (step + 1), 'learning rate': 0.0001 * (step % 7), 'alpha/teacher@0': step % 3 === 0 ? Number.NaN : 0.5 };
}

/** Creates a logger that keeps its lines for assertions. */
export function memoryLogger(): Logger & { readonly lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (message) => lines.push(message), warn: (message) => lines.push(`warning: ${message}`) };
}

/** The points of `metrics.jsonl` per (stage, MLflow key), as MLflow should hold them, sorted by step and timestamp. */
export function localHistories(directory: string): Map<string, MlflowMetric[]> {
  const histories = new Map<string, MlflowMetric[]>();
  for (const text of readFileSync(join(directory, 'metrics.jsonl'), 'utf8').split('\n')) {
    if (text === '') continue;
    const line = JSON.parse(text) as { stage: string; key: string; step: number; value: number | string; timestamp: number };
    const id = `${line.stage}|${toMlflowKey(line.key)}`;
    const points = histories.get(id) ?? [];
    points.push({ key: toMlflowKey(line.key), value: Number(line.value), timestamp: line.timestamp, step: line.step });
    histories.set(id, points);
  }
  for (const points of histories.values()) points.sort(byStepAndTime);
  return histories;
}

/** Reads the same histories back from MLflow, for the stage runs in `stageRunIds`. */
export async function serverHistories(
  client: MlflowClient,
  stageRunIds: Readonly<Record<string, string>>,
  ids: Iterable<string>,
): Promise<Map<string, MlflowMetric[]>> {
  const histories = new Map<string, MlflowMetric[]>();
  for (const id of ids) {
    const [stage, key] = id.split('|') as [string, string];
    const points = await client.getMetricHistory(stageRunIds[stage] as string, key);
    histories.set(id, points.map(({ key, value, timestamp, step }) => ({ key, value, timestamp, step })).sort(byStepAndTime));
  }
  return histories;
}

function byStepAndTime(a: MlflowMetric, b: MlflowMetric): number {
  return a.step - b.step || a.timestamp - b.timestamp;
}
