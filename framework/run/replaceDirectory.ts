import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Moves a completely written temporary directory to `target`, replacing what
 * was there. The previous directory is renamed aside first and removed last,
 * so a crash between the two renames leaves it as `<target>.old-<pid>`, which
 * findDirectory still finds.
 */
export function replaceDirectory(temporary: string, target: string): void {
  const aside = `${target}.old-${process.pid}`;
  if (existsSync(target)) renameSync(target, aside);
  renameSync(temporary, target);
  rmSync(aside, { recursive: true, force: true });
}

/** Finds the directory written by replaceDirectory, or the one set aside by a replacement that crashed halfway. */
export function findDirectory(target: string): string | undefined {
  if (existsSync(target)) return target;
  const parent = dirname(target);
  if (!existsSync(parent)) return undefined;
  const prefix = `${basename(target)}.old-`;
  const aside = readdirSync(parent).find((name) => name.startsWith(prefix));
  return aside === undefined ? undefined : join(parent, aside);
}
