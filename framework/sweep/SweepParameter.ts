import type { SpecPath } from '../spec/SpecPath.ts';

/** A distribution that `--random` draws a value from. */
export type Distribution =
  | { readonly name: 'uniform' | 'loguniform'; readonly low: number; readonly high: number }
  | { readonly name: 'int'; readonly low: number; readonly high: number }
  | { readonly name: 'choice'; readonly values: readonly unknown[] };

/** One swept recipe value: every value of a `--grid` flag, or a distribution of a `--random` flag. */
export type SweepParameter =
  | { readonly kind: 'grid'; readonly flag: string; readonly path: SpecPath; readonly values: readonly unknown[] }
  | { readonly kind: 'random'; readonly flag: string; readonly path: SpecPath; readonly distribution: Distribution };
