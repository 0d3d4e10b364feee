import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Folders whose code does not change what a stage computes: command line, progress display, reports and tracking. */
const IGNORED = ['framework/cli', 'framework/progress', 'framework/report', 'framework/tracking', 'framework/cache'];

let builtinVersion: string | undefined;

/**
 * SHA-256 over the package version and every source file under framework/
 * and components/ that can change a stage's results (so any edit of the
 * training code gives new cache keys), plus the given plug-in modules.
 */
export function codeVersion(plugins: readonly string[] = []): string {
  builtinVersion ??= hashBuiltinCode();
  const hash = createHash('sha256').update(builtinVersion);
  for (const plugin of [...plugins].sort()) {
    hash.update(plugin);
    hash.update(existsSync(plugin) ? readFileSync(plugin) : 'missing');
  }
  return hash.digest('hex');
}

function hashBuiltinCode(): string {
  const hash = createHash('sha256');
  const packageJson = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: string };
  hash.update(`version ${packageJson.version ?? 'unknown'}\n`);
  for (const folder of ['framework', 'components']) {
    for (const file of sourceFiles(join(PACKAGE_ROOT, folder))) {
      const name = relative(PACKAGE_ROOT, file).split(sep).join('/');
      if (IGNORED.some((ignored) => name.startsWith(`${ignored}/`))) continue;
      hash.update(`${name}\n`);
      hash.update(readFileSync(file));
    }
  }
  return hash.digest('hex');
}

function sourceFiles(directory: string): string[] {
  if (!existsSync(directory)) return [];
  const files: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else if (/\.(ts|js|mjs|json)$/.test(entry.name)) files.push(path);
  }
  return files;
}
