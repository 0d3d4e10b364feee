import type { MlflowParam } from './MlflowEntities.ts';
import { MLFLOW_LIMITS } from './mlflowLimits.ts';
import { toMlflowKey } from './toMlflowKey.ts';

/** Keys whose values are replaced by `***` in params. */
const SECRET_KEY = /password|token|secret|credential/i;

/**
 * Flattens a resolved recipe (or a part of it) into MLflow params with dotted
 * keys: `{models: {student: {layers: 2}}}` gives `models.student.layers = 2`.
 * Arrays of scalars become one JSON value (`["a","b"]`), arrays holding
 * objects get index segments (`teachers.0.name`). Keys go through
 * `toMlflowKey`; when two keys map to the same MLflow key, later ones get a
 * `_2`, `_3`, ... suffix. A value over MLflow's 6000-character limit is cut
 * and ends with a marker that gives its full length and names `artifactName`,
 * which contains the whole value.
 */
export function flattenParams(value: unknown, artifactName: string, prefix = ''): MlflowParam[] {
  const flat: [string, string][] = [];
  collect(value, prefix, flat);
  const used = new Set<string>();
  return flat.map(([path, text]) => {
    const base = toMlflowKey(path);
    let key = base;
    for (let suffix = 2; used.has(key); suffix++) key = `${base}_${suffix}`;
    used.add(key);
    const shown = SECRET_KEY.test(path) ? '***' : text;
    return { key, value: truncateParamValue(shown, artifactName) };
  });
}

/** Cuts a value to MLflow's param length, ending with a marker that names where the full value is. */
export function truncateParamValue(value: string, artifactName: string): string {
  if (value.length <= MLFLOW_LIMITS.paramValueLength) return value;
  const marker = ` ...[truncated: ${value.length} characters in total; full value in the artifact ${artifactName}]`;
  return value.slice(0, MLFLOW_LIMITS.paramValueLength - marker.length) + marker;
}

function collect(value: unknown, path: string, flat: [string, string][]): void {
  if (Array.isArray(value) && value.some((item) => isObject(item) || Array.isArray(item))) {
    value.forEach((item, index) => collect(item, join(path, String(index)), flat));
  } else if (isObject(value) && Object.keys(value).length > 0) {
    for (const [key, item] of Object.entries(value)) collect(item, join(path, key), flat);
  } else if (path !== '') {
    flat.push([path, format(value)]);
  }
}

function format(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === undefined) return 'null';
  return JSON.stringify(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}
