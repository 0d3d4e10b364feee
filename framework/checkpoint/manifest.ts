import { UserError } from '../run/UserError.ts';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { writeFileAtomic } from '../run/writeFileAtomic.ts';

/** Name of the file listing the size and SHA-256 of every other file of a checkpoint or cache entry. */
export const MANIFEST_FILE = 'manifest.json';

/** Size in bytes and SHA-256 (hex) of one file. */
export interface FileDigest {
  readonly size: number;
  readonly sha256: string;
}

/** Raised when a file of a checkpoint or cache entry is missing, truncated or changed. */
export class CorruptCheckpointError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'CorruptCheckpointError';
  }
}

export function digestFile(path: string): FileDigest {
  const bytes = readFileSync(path);
  return { size: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Writes `manifest.json` for every file under the directory (subdirectories included). */
export function writeManifest(directory: string): Record<string, FileDigest> {
  const files: Record<string, FileDigest> = {};
  for (const file of listFiles(directory)) {
    const name = relative(directory, file).split(sep).join('/');
    if (name === MANIFEST_FILE) continue;
    files[name] = digestFile(file);
  }
  writeFileAtomic(join(directory, MANIFEST_FILE), `${JSON.stringify({ files }, null, 2)}\n`);
  return files;
}

/**
 * Checks every file listed in the directory's manifest against its recorded
 * size and SHA-256, and raises a CorruptCheckpointError naming the first file
 * that differs with the expected and actual values.
 */
export function verifyManifest(directory: string): void {
  const manifestPath = join(directory, MANIFEST_FILE);
  if (!existsSync(manifestPath)) {
    throw new CorruptCheckpointError(`${manifestPath} is missing, so the files of ${directory} cannot be verified; the directory was not completely written`);
  }
  let files: Record<string, FileDigest>;
  try {
    files = (JSON.parse(readFileSync(manifestPath, 'utf8')) as { files: Record<string, FileDigest> }).files;
  } catch (error) {
    throw new CorruptCheckpointError(`${manifestPath} is not valid JSON (${(error as Error).message})`);
  }
  for (const [name, expected] of Object.entries(files)) {
    const path = join(directory, name);
    if (!existsSync(path)) {
      throw new CorruptCheckpointError(`${path} is missing (expected ${expected.size} bytes, sha256 ${expected.sha256})`);
    }
    const size = statSync(path).size;
    if (size !== expected.size) {
      throw new CorruptCheckpointError(
        `${path} is corrupted: expected ${expected.size} bytes, found ${size} bytes (truncated or overwritten)`,
      );
    }
    const actual = digestFile(path);
    if (actual.sha256 !== expected.sha256) {
      throw new CorruptCheckpointError(`${path} is corrupted: expected sha256 ${expected.sha256}, found ${actual.sha256} (same size, ${size} bytes)`);
    }
  }
}

/** Lists every file under a directory, recursively, in a stable order. */
export function listFiles(directory: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) found.push(...listFiles(path));
    else if (entry.isFile()) found.push(path);
  }
  return found;
}
