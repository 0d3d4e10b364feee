import { figureOf, type Figure } from './Figure.ts';

/** Warm-up and measured repetitions of one figure. */
export interface Repetitions {
  readonly warmup: number;
  readonly repetitions: number;
}

/**
 * Runs `run` warmup times without recording, then `repetitions` times, and
 * returns the figure of the values it returned (each call computes its own
 * rate, e.g. items per second of that repetition).
 */
export async function repeat(name: string, unit: string, counts: Repetitions, run: () => number | Promise<number>): Promise<Figure> {
  for (let i = 0; i < counts.warmup; i++) {
    await run();
  }
  const values: number[] = [];
  for (let i = 0; i < counts.repetitions; i++) {
    values.push(await run());
  }
  return figureOf(name, unit, values);
}

/** Items per second of `count` items done in `milliseconds`. */
export function perSecond(count: number, milliseconds: number): number {
  return count / (milliseconds / 1000);
}
