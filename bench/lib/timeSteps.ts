import { figureOf, type Figure } from './Figure.ts';

/** Warm-up steps, then measured windows of `stepsPerWindow` steps each. */
export interface StepWindows {
  readonly warmupSteps: number;
  readonly windows: number;
  readonly stepsPerWindow: number;
}

export function totalSteps(plan: StepWindows): number {
  return plan.warmupSteps + plan.windows * plan.stepsPerWindow;
}

/**
 * Records the time of every training step (through a stage's onStep hook) and
 * turns the windows after warm-up into a samples/s figure.
 */
export class StepClock {
  private readonly times: number[] = [];
  readonly started = performance.now();

  readonly onStep = (step: number): void => {
    this.times[step] = performance.now();
  };

  /** Samples per second of each measured window. */
  figure(name: string, plan: StepWindows, batchSize: number, key?: string): Figure {
    return figureOf(name, 'samples/s', this.windowRates(plan, batchSize, name), key);
  }

  /** Samples per second of each window after warm-up. */
  windowRates(plan: StepWindows, batchSize: number, name = 'training'): number[] {
    const values: number[] = [];
    for (let window = 0; window < plan.windows; window++) {
      const from = plan.warmupSteps + window * plan.stepsPerWindow;
      const to = from + plan.stepsPerWindow;
      const begin = from === 0 ? this.started : this.times[from];
      const end = this.times[to];
      if (begin === undefined || end === undefined) {
        throw new Error(`${name}: step ${to} was not reached; the stage ran ${this.times.length - 1} steps`);
      }
      values.push((plan.stepsPerWindow * batchSize) / ((end - begin) / 1000));
    }
    return values;
  }

  /** Seconds from the clock's start to the end of warm-up (setup, sample collection and cache filling included). */
  warmupSeconds(plan: StepWindows): number {
    return ((this.times[plan.warmupSteps] ?? Number.NaN) - this.started) / 1000;
  }
}
