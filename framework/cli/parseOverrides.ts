import { OverrideError, parseOverride, type RecipeOverride } from '../spec/parseOverride.ts';
import { UsageError } from './UsageError.ts';

/** Parses the `--set` flags; a malformed one is a usage error naming the flag. */
export function parseOverrides(flags: readonly string[]): RecipeOverride[] {
  return flags.map((flag) => {
    try {
      return parseOverride(flag);
    } catch (error) {
      throw error instanceof OverrideError ? new UsageError(error.message) : error;
    }
  });
}
