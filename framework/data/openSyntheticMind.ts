import { createHash } from 'node:crypto';
import { access, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { MindDataset } from '../../components/dataset/MindDataset.ts';
import { generateSyntheticMind, type SyntheticMindOptions } from './generateSyntheticMind.ts';
import { openMindDataset } from './openMindDataset.ts';

/** Bump when the generator's output changes, so that cached copies are regenerated. */
const GENERATOR_VERSION = 1;
/** Written last: a directory without it is an interrupted generation. */
const COMPLETE_MARKER = 'synthetic-mind.json';

/**
 * Generates the dataset unless `directory` already contains a complete copy, then
 * opens it with the MIND reader. Without a directory, the copy goes to
 * `.cache/datasets/synthetic-<hash>` under the current working directory,
 * where the hash covers the options and the generator version.
 */
export async function openSyntheticMind(options: SyntheticMindOptions, directory?: string): Promise<MindDataset> {
  const description = JSON.stringify({ generatorVersion: GENERATOR_VERSION, ...sortKeys(options) });
  const target = directory ?? resolve('.cache', 'datasets', `synthetic-${createHash('sha256').update(description).digest('hex').slice(0, 16)}`);

  const isComplete = await access(join(target, COMPLETE_MARKER)).then(
    () => true,
    () => false,
  );
  if (!isComplete) {
    // Generate next to the target and rename, so concurrent runs never read half-written files.
    const staging = `${target}.tmp-${process.pid}`;
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    await generateSyntheticMind(staging, options);
    await writeFile(join(staging, COMPLETE_MARKER), `${description}\n`);
    await moveIntoPlace(staging, target);
  }

  return openMindDataset({
    train: join(target, 'train'),
    dev: join(target, 'dev'),
    test: options.testImpressions > 0 ? join(target, 'test') : undefined,
  });
}

/** Renames staging to target; if another process finished first, keeps its copy and drops ours. */
async function moveIntoPlace(staging: string, target: string): Promise<void> {
  try {
    await rename(staging, target);
  } catch {
    const otherIsComplete = await access(join(target, COMPLETE_MARKER)).then(
      () => true,
      () => false,
    );
    if (otherIsComplete) {
      await rm(staging, { recursive: true, force: true });
      return;
    }
    // An interrupted earlier generation left an incomplete target behind.
    await rm(target, { recursive: true, force: true });
    await rename(staging, target);
  }
}

function sortKeys(options: SyntheticMindOptions): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).sort(([a], [b]) => a.localeCompare(b)));
}
