import { UserError } from '../run/UserError.ts';
import { existsSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';

/** Raised before writing when the file system lacks the space a checkpoint or cache entry needs. */
export class DiskSpaceError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'DiskSpaceError';
  }
}

/**
 * Checks with statfs that the file system holding `directory` has at least
 * `bytes` available to this user, plus a 5% margin, before anything is written.
 */
export function ensureDiskSpace(directory: string, bytes: number, what: string): void {
  let existing = directory;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  const stats = statfsSync(existing);
  const available = Number(stats.bavail) * Number(stats.bsize);
  const needed = Math.ceil(bytes * 1.05);
  if (available < needed) {
    throw new DiskSpaceError(
      `not enough disk space for ${what} in ${directory}: it needs about ${formatBytes(needed)} and ${formatBytes(available)} are free; ` +
        'free some space (experiment cache prune removes old cache entries) and resume the run',
    );
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
