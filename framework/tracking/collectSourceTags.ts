import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, relative } from 'node:path';

/**
 * Tags that say where a run came from, with MLflow's reserved names where
 * MLflow has one: `mlflow.source.name` (the recipe file, relative to its git
 * repository), `mlflow.source.type`, `mlflow.source.git.commit`, `mlflow.user`;
 * and `newsrec.git.dirty` (uncommitted changes to tracked files), `newsrec.backend`,
 * `newsrec.version` (this package's version). Git tags are left out when the
 * recipe is not inside a git work tree or git is not installed.
 */
export function collectSourceTags(recipeFile: string, backend: string): Record<string, string> {
  const tags: Record<string, string> = {
    'mlflow.source.type': 'LOCAL',
    'mlflow.source.name': recipeFile,
    'newsrec.backend': backend,
    'newsrec.version': packageVersion(),
  };
  const user = currentUser();
  if (user !== undefined) tags['mlflow.user'] = user;

  const directory = dirname(recipeFile);
  const root = git(directory, ['rev-parse', '--show-toplevel']);
  const commit = git(directory, ['rev-parse', 'HEAD']);
  if (root !== undefined && commit !== undefined) {
    tags['mlflow.source.name'] = relative(root, recipeFile);
    tags['mlflow.source.git.commit'] = commit;
    const changes = git(directory, ['status', '--porcelain', '--untracked-files=no']);
    tags['newsrec.git.dirty'] = String(changes !== undefined && changes !== '');
  }
  return tags;
}

function git(directory: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: directory, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

function currentUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}
