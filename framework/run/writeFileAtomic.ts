import { renameSync, writeFileSync } from 'node:fs';

/** Writes a file under a temporary name and renames it, so readers never see it half written. */
export function writeFileAtomic(path: string, contents: string | Uint8Array): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}
