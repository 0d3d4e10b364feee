import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatBytes } from '../checkpoint/ensureDiskSpace.ts';
import { resolveCacheDirectory, StageCache, type CacheEntrySummary } from '../cache/StageCache.ts';
import { clearTokenMatrices, resolveTokenCacheDirectory } from '../model/TokenMatrixStore.ts';
import type { CommandIO } from '../run/Logger.ts';
import { UsageError } from './UsageError.ts';

export const CACHE_HELP = `Usage: experiment cache ls [--cache-dir DIR] [--json]
       experiment cache prune (--all | --older-than AGE | --max-size SIZE)... [--dry-run] [--cache-dir DIR]

Lists or removes entries of the stage cache, where 'experiment run' stores
each stage's outputs by a key of its settings, inputs, data and code.

The cache directory is --cache-dir, else NEWSREC_CACHE_DIR, else
runs/.stage-cache (the default output.directory of recipes is runs/).

Options:
      --cache-dir DIR   Stage cache directory
      --json            (ls) Print the entries as a JSON array
      --all             (prune) Remove every entry, and the token matrix files of
                        the token cache (see NEWSREC_TOKEN_CACHE_DIR in README.md)
      --older-than AGE  (prune) Remove entries last used longer ago than AGE:
                        a number with s, m, h or d, such as 12h or 7d
      --max-size SIZE   (prune) Remove the least recently used entries until the
                        rest fit in SIZE: a number with B, K, M, G or T (powers
                        of 1024); a bare number is rejected
      --dry-run         (prune) List what would be removed and remove nothing
  -h, --help            Show this help

Examples:
  experiment cache ls
  experiment cache prune --older-than 14d --dry-run
  experiment cache prune --max-size 20G
`;

/** `experiment cache ls|prune`: lists or removes stage cache entries. */
export async function cacheCommand(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      'cache-dir': { type: 'string' },
      json: { type: 'boolean' },
      all: { type: 'boolean' },
      'older-than': { type: 'string' },
      'max-size': { type: 'string' },
      'dry-run': { type: 'boolean' },
    },
  });
  if (values.help === true) {
    io.stdout.write(CACHE_HELP);
    return 0;
  }
  const [action, ...extra] = positionals;
  if (action === undefined || extra.length > 0 || (action !== 'ls' && action !== 'prune')) {
    throw new UsageError(`cache: expected 'ls' or 'prune', got ${positionals.length === 0 ? 'nothing' : `'${positionals.join(' ')}'`}`);
  }
  const cache = new StageCache(resolveCacheDirectory('runs', values['cache-dir']));
  const entries = cache.list();
  if (action === 'ls') {
    if (values.json === true) {
      io.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
    } else {
      io.stdout.write(formatEntries(cache.directory, entries));
    }
    return 0;
  }

  if (values.all !== true && values['older-than'] === undefined && values['max-size'] === undefined) {
    throw new UsageError('cache prune: give --all, --older-than AGE or --max-size SIZE');
  }
  const doomed = selectForPrune(entries, {
    all: values.all === true,
    ...(values['older-than'] === undefined ? {} : { olderThanMs: parseAge(values['older-than']) }),
    ...(values['max-size'] === undefined ? {} : { maxBytes: parseSize(values['max-size']) }),
    now: Date.now(),
  });
  const leftovers = cache.leftovers();
  const dryRun = values['dry-run'] === true;
  const verb = dryRun ? 'would remove' : 'removed';
  for (const entry of doomed) {
    if (!dryRun) rmSync(entry.directory, { recursive: true, force: true });
    io.stdout.write(`${verb} ${entry.key.slice(0, 12)}  ${entry.recipe}/${entry.stage}  ${formatBytes(entry.bytes)}  last used ${new Date(entry.lastUsed).toISOString()}\n`);
  }
  for (const leftover of leftovers) {
    if (!dryRun) rmSync(leftover, { recursive: true, force: true });
    io.stdout.write(`${verb} ${leftover} (left by an interrupted write)\n`);
  }
  const tokenDirectory = values.all === true ? resolveTokenCacheDirectory() : undefined;
  if (tokenDirectory !== undefined) {
    const tokens = clearTokenMatrices(tokenDirectory, dryRun);
    io.stdout.write(`token cache ${tokenDirectory}: ${verb} ${tokens.files} files, ${formatBytes(tokens.bytes)}\n`);
  }
  const freed = doomed.reduce((total, entry) => total + entry.bytes, 0);
  io.stdout.write(`${dryRun ? 'would free' : 'freed'} ${formatBytes(freed)} in ${doomed.length} of ${entries.length} entries of ${cache.directory}\n`);
  return 0;
}

/** Selects the entries prune removes: all, those unused for longer than the age, then the least recently used beyond the size. */
export function selectForPrune(
  entries: readonly CacheEntrySummary[],
  rules: { readonly all: boolean; readonly olderThanMs?: number; readonly maxBytes?: number; readonly now: number },
): CacheEntrySummary[] {
  if (rules.all) return [...entries];
  const byRecentUse = [...entries].sort((a, b) => b.lastUsed - a.lastUsed);
  const doomed = new Set<CacheEntrySummary>();
  if (rules.olderThanMs !== undefined) {
    for (const entry of byRecentUse) {
      if (rules.now - entry.lastUsed > rules.olderThanMs) doomed.add(entry);
    }
  }
  if (rules.maxBytes !== undefined) {
    let kept = 0;
    for (const entry of byRecentUse) {
      if (doomed.has(entry)) continue;
      if (kept + entry.bytes > rules.maxBytes) doomed.add(entry);
      else kept += entry.bytes;
    }
  }
  return byRecentUse.filter((entry) => doomed.has(entry));
}

const AGE_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const SIZE_UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

export function parseAge(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([smhd])$/.exec(text.trim());
  if (match === null) throw new UsageError(`cache prune: --older-than ${text}: expected a number with s, m, h or d, such as 7d`);
  return Number(match[1]) * (AGE_UNITS[match[2] as string] as number);
}

export function parseSize(text: string): number {
  const trimmed = text.trim();
  // A bare number would be bytes, which empties the cache when the user meant gigabytes, so a unit is required.
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) {
    throw new UsageError(`cache prune: --max-size ${text}: the size has no unit; add B, K, M, G or T, such as ${trimmed}G`);
  }
  const match = /^(\d+(?:\.\d+)?)(?:([KMGT])i?B?|B)$/i.exec(trimmed);
  if (match === null) throw new UsageError(`cache prune: --max-size ${text}: expected a number with B, K, M, G or T, such as 20G`);
  return Number(match[1]) * (SIZE_UNITS[(match[2] ?? '').toUpperCase()] as number);
}

function formatEntries(directory: string, entries: readonly CacheEntrySummary[]): string {
  if (entries.length === 0) return `no cache entries in ${directory}\n`;
  const rows = [['key', 'recipe', 'stage', 'type', 'size', 'last used', 'run']];
  for (const entry of entries) {
    rows.push([
      entry.key.slice(0, 12),
      entry.recipe,
      entry.stage,
      entry.type,
      formatBytes(entry.bytes),
      new Date(entry.lastUsed).toISOString().replace(/\.\d+Z$/, 'Z'),
      entry.runId,
    ]);
  }
  const widths = (rows[0] as string[]).map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const lines = rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd());
  const total = entries.reduce((sum, entry) => sum + entry.bytes, 0);
  return `${lines.join('\n')}\n${entries.length} entries, ${formatBytes(total)} in ${directory}\n`;
}
