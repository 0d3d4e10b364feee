import { parse } from 'yaml';
import type { SpecPath } from './SpecPath.ts';

/** One `--set PATH=VALUE` flag, parsed. */
export interface RecipeOverride {
  /** The flag as the user wrote it, for messages: `--set stages.x.lr=2e-5`. */
  readonly flag: string;
  readonly path: SpecPath;
  readonly value: unknown;
}

/** A `--set` flag that cannot be parsed; the message names the flag. */
export class OverrideError extends Error {
  constructor(readonly flag: string, problem: string) {
    super(`${flag}: ${problem}`);
    this.name = 'OverrideError';
  }
}

const SEGMENT = /^([A-Za-z0-9_-]+)((?:\[\d+\])*)$/;

/**
 * Parses `PATH=VALUE`. PATH is dotted keys with optional list indices
 * (`stages.fine-tune.optimizer.learningRate`, `plugins[0]`); VALUE is parsed
 * as YAML, so `2e-5` is a number, `[a, b]` a list and `'4'` a string.
 */
export function parseOverride(text: string): RecipeOverride {
  const flag = `--set ${text}`;
  const equals = text.indexOf('=');
  if (equals <= 0) {
    throw new OverrideError(flag, "expected PATH=VALUE, such as 'stages.fine-tune.epochs=2'");
  }
  const path = parseOverridePath(text.slice(0, equals), flag);
  let value: unknown;
  try {
    value = parse(text.slice(equals + 1));
  } catch (error) {
    throw new OverrideError(flag, `invalid YAML value: ${(error as Error).message.split('\n')[0]}`);
  }
  return { flag, path, value };
}

/**
 * Parses the PATH of a flag: dotted keys, each optionally followed by list
 * indices (`stages.fine-tune.epochs`, `plugins[0]`). Errors name `flag`.
 */
export function parseOverridePath(text: string, flag: string): SpecPath {
  const path: (string | number)[] = [];
  for (const part of text.split('.')) {
    const match = SEGMENT.exec(part);
    if (match === null) {
      throw new OverrideError(flag, `invalid path segment '${part}': use keys of letters, digits, '_' and '-', each optionally followed by [INDEX]`);
    }
    path.push(match[1] as string);
    for (const index of (match[2] ?? '').matchAll(/\[(\d+)\]/g)) {
      path.push(Number(index[1]));
    }
  }
  return path;
}

/**
 * Sets an override into recipe data, creating missing mappings on the way.
 * Raises an OverrideError when the path runs through a value that is not a
 * mapping (or, for an index, not a list long enough).
 */
export function applyOverride(data: Record<string, unknown>, override: RecipeOverride): void {
  let container: unknown = data;
  override.path.forEach((segment, position) => {
    const last = position === override.path.length - 1;
    if (typeof segment === 'number') {
      if (!Array.isArray(container) || segment > container.length) {
        throw new OverrideError(override.flag, `index [${segment}] needs a list with at least ${segment} items there`);
      }
      if (last) {
        container[segment] = override.value;
      } else {
        container[segment] ??= {};
        container = container[segment];
      }
      return;
    }
    if (typeof container !== 'object' || container === null || Array.isArray(container)) {
      throw new OverrideError(override.flag, `cannot set '${segment}' inside a value that is not a mapping`);
    }
    const mapping = container as Record<string, unknown>;
    if (last) {
      mapping[segment] = override.value;
    } else {
      mapping[segment] ??= {};
      container = mapping[segment];
    }
  });
}
