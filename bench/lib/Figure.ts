/** One measured quantity: the median of several repetitions after warm-up, with their min and max. */
export interface Figure {
  readonly name: string;
  readonly unit: string;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Number of measured repetitions (warm-up runs excluded). */
  readonly repetitions: number;
  /** Stable id for figures that other scenarios' ratios refer to. */
  readonly key?: string;
}

/** A quotient of two figures' medians, with the target it is checked against when there is one. */
export interface Ratio {
  readonly name: string;
  readonly value: number;
  /** Smallest value that meets the target; undefined for ratios reported without a target. */
  readonly target?: number;
  /** Whether value >= target; undefined without a target. */
  readonly met?: boolean;
}

/** Result that one scenario child process writes: its figures, ratios, notes and its own peak memory. */
export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  readonly figures: Figure[];
  readonly ratios: Ratio[];
  /** Facts needed to read the figures: sizes, skipped parts and why. */
  readonly notes: string[];
  /** Reason the scenario measured nothing (for example a missing Python package), printed in place of the table. */
  readonly skipped?: string;
  /** Peak resident set size of the scenario's process (VmHWM), MiB. Child processes it starts are not included. */
  readonly peakRssMiB: number;
  /** Label of `peakRssMiB` in the report, for scenarios whose figures come from child processes. */
  readonly peakRssLabel?: string;
  readonly seconds: number;
}

/** Builds a figure from the values of the measured repetitions. */
export function figureOf(name: string, unit: string, values: readonly number[], key?: string): Figure {
  if (values.length === 0) {
    throw new Error(`figure '${name}' has no measured repetition`);
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  const figure = { name, unit, median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number, repetitions: values.length };
  return key === undefined ? figure : { ...figure, key };
}

/** Builds a ratio, checked against `target` when one is given. */
export function ratioOf(name: string, value: number, target?: number): Ratio {
  return target === undefined ? { name, value } : { name, value, target, met: value >= target };
}
