import { parse } from 'yaml';
import { didYouMean } from '../spec/closestNames.ts';
import { OverrideError, parseOverridePath } from '../spec/parseOverride.ts';
import type { Distribution, SweepParameter } from './SweepParameter.ts';

const DISTRIBUTIONS = ['uniform', 'loguniform', 'int', 'choice'] as const;
const DISTRIBUTION_HELP = 'use uniform(LOW,HIGH), loguniform(LOW,HIGH), int(LOW,HIGH) or choice(A,B,...)';

/**
 * Parses `--grid PATH=VALUES` or `--random PATH=DISTRIBUTION(ARGS)`. VALUES
 * and ARGS are YAML flow sequences without their brackets, so `1,2,4` gives
 * three numbers, `'a,b',c` two strings and `[1,2],[3,4]` two lists.
 *
 * @throws OverrideError naming the flag
 */
export function parseSweepParameter(kind: 'grid' | 'random', text: string): SweepParameter {
  const flag = `--${kind} ${text}`;
  const equals = text.indexOf('=');
  if (equals <= 0) {
    const example = kind === 'grid' ? 'stages.distill.temperature=1,2,4' : 'stages.fine-tune.optimizer.learningRate=loguniform(1e-5,1e-3)';
    throw new OverrideError(flag, `expected PATH=${kind === 'grid' ? 'VALUES' : 'DISTRIBUTION'}, such as '${example}'`);
  }
  const path = parseOverridePath(text.slice(0, equals), flag);
  const right = text.slice(equals + 1).trim();
  if (kind === 'grid') {
    return { kind, flag, path, values: parseFlowItems(right, flag, 'values') };
  }
  return { kind, flag, path, distribution: parseDistribution(right, flag) };
}

function parseDistribution(text: string, flag: string): Distribution {
  const match = /^([A-Za-z_]+)\s*\((.*)\)$/s.exec(text);
  if (match === null) {
    throw new OverrideError(flag, `invalid distribution '${text}'; ${DISTRIBUTION_HELP}`);
  }
  const name = match[1] as string;
  if (!(DISTRIBUTIONS as readonly string[]).includes(name)) {
    throw new OverrideError(flag, `unknown distribution '${name}'${didYouMean(name, DISTRIBUTIONS)}; ${DISTRIBUTION_HELP}`);
  }
  const args = parseFlowItems(match[2] as string, flag, `arguments of ${name}()`);
  if (name === 'choice') {
    return { name, values: args };
  }

  if (args.length !== 2 || !args.every((arg) => typeof arg === 'number' && Number.isFinite(arg))) {
    throw new OverrideError(flag, `${name}() takes two numbers, LOW and HIGH, got ${describeArgs(args)}`);
  }
  const [low, high] = args as [number, number];
  if (name === 'int') {
    if (!Number.isInteger(low) || !Number.isInteger(high) || low > high) {
      throw new OverrideError(flag, `int() takes two integers with LOW <= HIGH, got ${low} and ${high}`);
    }
    return { name, low, high };
  }
  if (!(low < high)) {
    throw new OverrideError(flag, `${name}() needs LOW < HIGH, got ${low} and ${high}`);
  }
  if (name === 'loguniform' && low <= 0) {
    throw new OverrideError(flag, `loguniform() needs LOW > 0, got ${low}`);
  }
  return { name: name as 'uniform' | 'loguniform', low, high };
}

/** Parses `a, b, c` as the YAML flow sequence `[a, b, c]`; an empty list is an error. */
function parseFlowItems(text: string, flag: string, what: string): unknown[] {
  let items: unknown;
  try {
    items = parse(`[${text}]`);
  } catch (error) {
    throw new OverrideError(flag, `invalid ${what}: ${(error as Error).message.split('\n')[0]}; write them as a YAML flow list without brackets, such as 1,2,4`);
  }
  if (!Array.isArray(items) || items.length === 0) {
    throw new OverrideError(flag, `no ${what} given; write at least one, such as 1,2,4`);
  }
  return items;
}

function describeArgs(args: readonly unknown[]): string {
  return args.length === 0 ? 'none' : args.map((arg) => JSON.stringify(arg)).join(', ');
}
