import type { StepUpdate } from './ProgressEvent.ts';

/** Step rate and time left of one task, measured from its first reported step. */
export class StepRate {
  private firstStep = 0;
  private firstTime = 0;
  private started = false;

  /** Records a step at `time` (ms) and returns steps per second, NaN until two steps are known. */
  update(update: StepUpdate, time: number): number {
    if (!this.started || update.step < this.firstStep) {
      this.started = true;
      this.firstStep = update.step;
      this.firstTime = time;
      return Number.NaN;
    }
    const seconds = (time - this.firstTime) / 1000;
    return seconds > 0 ? (update.step - this.firstStep) / seconds : Number.NaN;
  }
}

/** Seconds left at `rate` steps per second. */
export function secondsLeft(update: StepUpdate, rate: number): number {
  return rate > 0 ? (update.total - update.step) / rate : Number.NaN;
}

/** The value a progress line shows: `loss` when the step reports one, else the first value. */
export function headlineValue(values: Readonly<Record<string, number>>): [name: string, value: number] | undefined {
  if (values.loss !== undefined) return ['loss', values.loss];
  const first = Object.entries(values)[0];
  return first === undefined ? undefined : [first[0], first[1]];
}
