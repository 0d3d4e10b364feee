import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Prefix of a checkpoint reference to a Hugging Face Hub model, as in `hf:sentence-transformers/all-MiniLM-L6-v2`. */
export const HUB_PREFIX = 'hf:';

/** A file a checkpoint must contain, or a list of files of which one is enough. */
export type RequiredFile = string | readonly string[];

/** Environment variables that locate the cache, as huggingface_hub reads them. */
export interface HubEnvironment {
  readonly HF_HUB_CACHE?: string | undefined;
  readonly HF_HOME?: string | undefined;
}

/** Raised when a `hf:` reference is malformed or its files are not in the local Hub cache. */
export class HubReferenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HubReferenceError';
  }
}

const COMMIT_HASH = /^[0-9a-f]{40}$/;
const REPOSITORY_ID = /^[A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*)?$/;

export function isHubReference(reference: string): boolean {
  return reference.startsWith(HUB_PREFIX);
}

/**
 * Returns the Hub cache directory the way huggingface_hub resolves it:
 * $HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub.
 */
export function hubCacheDirectory(environment: HubEnvironment = process.env): string {
  if (environment.HF_HUB_CACHE) return environment.HF_HUB_CACHE;
  if (environment.HF_HOME) return join(environment.HF_HOME, 'hub');
  return join(homedir(), '.cache', 'huggingface', 'hub');
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/**
 * Resolves `hf:org/name` or `hf:org/name@revision` to a snapshot directory of
 * the local Hugging Face Hub cache. The revision is a branch, a tag or a
 * 40-character commit hash, and defaults to main. In the cache,
 * `models--org--name/refs/<revision>` contains the commit hash, and
 * `models--org--name/snapshots/<hash>/` the files. Nothing is downloaded, so
 * when the model or one of `requiredFiles` is missing, the error names the
 * `huggingface-cli download` command that fetches it.
 */
export function resolveHubReference(
  reference: string,
  requiredFiles: readonly RequiredFile[] = [],
  environment: HubEnvironment = process.env,
): string {
  if (!isHubReference(reference)) {
    throw new HubReferenceError(`${JSON.stringify(reference)} is not a Hub reference; expected ${HUB_PREFIX}org/name`);
  }
  const [repository = '', revision = 'main', ...rest] = reference.slice(HUB_PREFIX.length).split('@');
  if (!REPOSITORY_ID.test(repository) || revision === '' || rest.length > 0) {
    throw new HubReferenceError(`invalid Hub reference ${JSON.stringify(reference)}; expected ${HUB_PREFIX}org/name or ${HUB_PREFIX}org/name@revision`);
  }

  const cache = hubCacheDirectory(environment);
  const revisionOption = revision === 'main' ? '' : ` --revision ${revision}`;
  const download = (files: string) => `huggingface-cli download ${repository}${revisionOption}${files}`;
  const notCached = (detail: string, files = '') =>
    new HubReferenceError(
      `${reference}: ${detail} in the Hugging Face cache ${cache}. The framework does not download models; ` +
        `run \`${download(files)}\` where the Hub is reachable, or set HF_HUB_CACHE or HF_HOME to the cache that has it`,
    );

  const modelDirectory = join(cache, `models--${repository.replaceAll('/', '--')}`);
  if (!isDirectory(modelDirectory)) {
    throw notCached(`model not found (no ${modelDirectory})`);
  }
  let commit = revision;
  if (!COMMIT_HASH.test(revision)) {
    const refFile = join(modelDirectory, 'refs', revision);
    if (!existsSync(refFile)) {
      throw notCached(`revision ${revision} not found (no ${refFile})`);
    }
    commit = readFileSync(refFile, 'utf8').trim();
  }
  const snapshot = join(modelDirectory, 'snapshots', commit);
  if (!isDirectory(snapshot)) {
    throw notCached(`snapshot ${commit} of revision ${revision} not found (no ${snapshot})`);
  }

  for (const required of requiredFiles) {
    const alternatives = typeof required === 'string' ? [required] : required;
    if (!alternatives.some((file) => existsSync(join(snapshot, file)))) {
      const wanted = alternatives.join(' or ');
      throw notCached(`${wanted} not found in snapshot ${snapshot}`, ` ${alternatives[0]}`);
    }
  }
  return snapshot;
}

/**
 * Resolves a recipe's checkpoint setting: a `hf:` reference through the local
 * Hub cache, anything else as a path relative to the recipe.
 */
export function resolveCheckpointReference(
  reference: string,
  resolvePath: (path: string) => string,
  requiredFiles: readonly RequiredFile[],
): string {
  return isHubReference(reference) ? resolveHubReference(reference, requiredFiles) : resolvePath(reference);
}
