import { parse } from 'yaml';
import { Random } from '../random/Random.ts';
import type { RecipeOverride } from '../spec/parseOverride.ts';
import { formatSpecPath } from '../spec/SpecPath.ts';
import type { Distribution, SweepParameter } from './SweepParameter.ts';

/** One combination of swept values, applied to the recipe like `--set` flags. */
export interface Trial {
  /** 1-based position in the sweep. */
  readonly number: number;
  /** One override per swept path, in flag order; each flag names the value it gives. */
  readonly overrides: readonly RecipeOverride[];
}

export interface RandomSearch {
  /** Values drawn per `--random` path. */
  readonly trials: number;
  readonly seed: number;
}

/**
 * Expands sweep parameters into trials. Grid parameters give their Cartesian
 * product in flag order, the last flag changing fastest. `--random`
 * parameters draw `random.trials` values each from a generator seeded with
 * `random.seed`, so the same flags and seed give the same trials. With both
 * kinds, every grid combination runs with each of the drawn samples.
 */
export function expandTrials(parameters: readonly SweepParameter[], random: RandomSearch): Trial[] {
  const grid = parameters.filter((parameter) => parameter.kind === 'grid');
  const sampled = parameters.filter((parameter) => parameter.kind === 'random');

  let combinations: RecipeOverride[][] = [[]];
  for (const parameter of grid) {
    combinations = combinations.flatMap((combination) =>
      parameter.values.map((value) => [...combination, override(parameter.flag, parameter, value, formatValue(value))]),
    );
  }

  let samples: RecipeOverride[][] = [[]];
  if (sampled.length > 0) {
    const generator = new Random(random.seed);
    samples = Array.from({ length: random.trials }, () =>
      sampled.map((parameter) => {
        const value = draw(parameter.distribution, generator);
        return override(`${parameter.flag} (drew ${formatValue(value)})`, parameter, value, formatValue(value));
      }),
    );
  }

  const trials: Trial[] = [];
  for (const combination of combinations) {
    for (const sample of samples) {
      trials.push({ number: trials.length + 1, overrides: [...combination, ...sample] });
    }
  }
  return trials;
}

function override(flag: string, parameter: SweepParameter, value: unknown, shown: string): RecipeOverride {
  // A grid flag lists every value; the trial's flag names the one it applies.
  const text = parameter.kind === 'grid' ? `--grid ${formatSpecPath(parameter.path)}=${shown}` : flag;
  return { flag: text, path: parameter.path, value };
}

/** Draws one value; floats are rounded to 6 significant digits so that logs and recipes show them exactly. */
function draw(distribution: Distribution, generator: Random): unknown {
  switch (distribution.name) {
    case 'choice':
      return distribution.values[generator.int(distribution.values.length)];
    case 'int':
      return distribution.low + generator.int(distribution.high - distribution.low + 1);
    case 'uniform':
      return round(distribution.low + generator.next() * (distribution.high - distribution.low));
    case 'loguniform': {
      const low = Math.log(distribution.low);
      const high = Math.log(distribution.high);
      return round(Math.exp(low + generator.next() * (high - low)));
    }
  }
}

function round(value: number): number {
  return Number(value.toPrecision(6));
}

/** Formats a value as a flag would write it, in YAML flow style: `[1,2]`, `{size: 8}`, `0.001`, `abc`. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') {
    // Plain text stays bare unless YAML would read it as something else ('true', '4').
    return /^[\w./-]+$/.test(value) && parse(value) === value ? value : JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map(formatValue).join(',')}]`;
  }
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value).map(([key, item]) => `${key}: ${formatValue(item)}`).join(', ')}}`;
  }
  return String(value);
}
