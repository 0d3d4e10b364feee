import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord } from '../run/RunDirectory.ts';

/** One line of `metrics.jsonl`. */
export interface StepPoint {
  readonly stage: string;
  readonly key: string;
  readonly step: number;
  readonly value: number;
}

/** Contents of a run directory that reports and `experiment compare` read. */
export interface RunData {
  readonly directory: string;
  readonly record: RunRecord;
  /** The resolved recipe (`recipe.resolved.json`). */
  readonly recipe: Record<string, unknown>;
  /** Final metrics per stage (`metrics.json`); non-finite values are read back as NaN. */
  readonly final: Record<string, Record<string, number>>;
  readonly steps: readonly StepPoint[];
}

/** Reads a run directory; raises an error naming the directory when it has no `run.json`. */
export function readRunData(directory: string): RunData {
  const recordFile = join(directory, 'run.json');
  if (!existsSync(recordFile)) {
    throw new Error(`${directory} is not a run directory: run.json not found`);
  }
  const record = JSON.parse(readFileSync(recordFile, 'utf8')) as RunRecord;
  const recipe = (readJson(join(directory, 'recipe.resolved.json')) ?? {}) as Record<string, unknown>;
  const stored = (readJson(join(directory, 'metrics.json')) ?? {}) as Record<string, Record<string, number | string>>;
  const final = Object.fromEntries(
    Object.entries(stored).map(([stage, values]) => [stage, Object.fromEntries(Object.entries(values).map(([key, value]) => [key, Number(value)]))]),
  );
  const stepsFile = join(directory, 'metrics.jsonl');
  const steps = existsSync(stepsFile)
    ? readFileSync(stepsFile, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => {
          const point = JSON.parse(line) as { stage: string; key: string; step: number; value: number | string };
          return { stage: point.stage, key: point.key, step: point.step, value: Number(point.value) };
        })
    : [];
  return { directory, record, recipe, final, steps };
}

function readJson(path: string): unknown {
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
}
