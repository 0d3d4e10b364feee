import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The shared MIND sample, next to the repository (read-only). */
export const MIND_SAMPLE = fileURLToPath(new URL('../../../shared/data/mind-sample', import.meta.url));

export function sampleFile(split: 'train' | 'dev' | 'test', file: 'news.tsv' | 'behaviors.tsv'): string {
  return join(MIND_SAMPLE, split, file);
}
