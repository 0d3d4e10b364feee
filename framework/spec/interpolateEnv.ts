import { parse } from 'yaml';
import type { PathIssue, SpecPath } from './SpecPath.ts';

const REFERENCE = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${env:NAME}` and `${env:NAME:-default}` in every string of recipe
 * data, in place. A string that is exactly one reference takes the variable's
 * text parsed as YAML, so `seed: ${env:SEED:-42}` gives the number 42; a
 * reference inside a longer string is replaced by the text. Returns an issue
 * for each variable that is not set and has no default.
 */
export function interpolateEnv(data: unknown, env: Readonly<Record<string, string | undefined>>): PathIssue[] {
  const issues: PathIssue[] = [];
  const substitute = (text: string, path: SpecPath): unknown => {
    const missing: string[] = [];
    const replaced = text.replace(REFERENCE, (_, name: string, fallback: string | undefined) => {
      const value = env[name] ?? fallback;
      if (value === undefined) {
        missing.push(name);
        return '';
      }
      return value;
    });
    for (const name of missing) {
      issues.push({
        path,
        message: `environment variable ${name} is not set; set it or give a default: \${env:${name}:-VALUE}`,
        anchor: 'value',
      });
    }
    const whole = text.match(REFERENCE)?.[0] === text;
    return whole && missing.length === 0 ? parse(replaced) : replaced;
  };
  const visit = (value: unknown, path: SpecPath): unknown => {
    if (typeof value === 'string') {
      return value.includes('${env:') ? substitute(value, path) : value;
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        value[index] = visit(item, [...path, index]);
      });
    } else if (typeof value === 'object' && value !== null) {
      const mapping = value as Record<string, unknown>;
      for (const key of Object.keys(mapping)) {
        mapping[key] = visit(mapping[key], [...path, key]);
      }
    }
    return value;
  };
  visit(data, []);
  return issues;
}
