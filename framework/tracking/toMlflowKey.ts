import { MLFLOW_LIMITS } from './mlflowLimits.ts';

/**
 * Maps a metric, param or tag name to one that the MLflow server accepts.
 *
 * The server allows letters, digits, `_`, `-`, `.`, ` `, `/` (and `:` except on
 * Windows servers), at most 250 characters, and rejects names that change
 * under POSIX path normalisation (`a//b`, `./a`, `a/`, leading `/` or `..`).
 * The mapping is:
 * - `@` becomes `_at_`, so `nDCG@10` is logged as `nDCG_at_10`;
 * - every other character outside `[A-Za-z0-9_.\- /]` becomes `_` (`:` too, so
 *   names are the same on every server);
 * - empty path segments, `.` and `..` segments are dropped;
 * - a name longer than 250 characters keeps its first 241 characters and ends
 *   with `~` and 8 hex digits of a hash of the full name, so long names stay distinct.
 * Two different names can still map to the same key (`a@b` and `a_at_b`);
 * callers that log both lose one of them.
 */
export function toMlflowKey(name: string): string {
  const replaced = name.replace(/@/g, '_at_').replace(/[^A-Za-z0-9_.\- /]/g, '_');
  const segments = replaced.split('/').filter((segment) => segment !== '' && segment !== '.' && segment !== '..');
  const joined = segments.length > 0 ? segments.join('/') : '_';
  if (joined.length <= MLFLOW_LIMITS.keyLength) return joined;
  const suffix = `~${hashName(name)}`;
  return joined.slice(0, MLFLOW_LIMITS.keyLength - suffix.length) + suffix;
}

/** FNV-1a, 32 bits, as 8 hex digits: short and stable, not for security. */
function hashName(name: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < name.length; index++) {
    hash ^= name.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
