import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PlmNewsEncoder } from '../../components/newsEncoder/PlmNewsEncoder.ts';
import type { PlmSettings } from '../../components/newsEncoder/plm.ts';
import type { Tokenizer } from '../../components/tokenizer/Tokenizer.ts';
import { Random } from '../../framework/random/Random.ts';
import { createRegistry } from '../../framework/registry/createRegistry.ts';
import { SAMPLE_NEWS } from './checkpointDirectory.ts';

/** The committed export of seededStudent(), loaded by transformers in scripts/reference/student_export_reference.py. */
export const STUDENT_EXPORT = resolve(import.meta.dirname, '../fixtures/student-export');

/** What transformers' AutoTokenizer and AutoModel produced from STUDENT_EXPORT. */
export const STUDENT_REFERENCE = resolve(import.meta.dirname, '../fixtures/student-export-reference.json');

/**
 * A small student whose config.json differs from BertConfig's defaults in every
 * architecture field, so that transformers reading the export proves each field
 * is written and honoured.
 */
export const STUDENT_SETTINGS: PlmSettings = {
  backbone: {
    type: 'bert',
    hiddenSize: 16,
    layers: 2,
    heads: 4,
    intermediateSize: 24,
    maxPositions: 40,
    typeVocabularySize: 3,
    hiddenAct: 'gelu_new',
    layerNormEps: 1e-5,
  },
  pooling: { type: 'additive-attention', queryVectorSize: 8 },
  outputSize: 12,
};

const VOCABULARY_SIZE = 400;
const VOCABULARY_TITLES = 300;

/** Reads the first titles of the MIND sample, the texts the student's vocabulary is built from. */
export function sampleTitles(count: number): string[] {
  return readFileSync(SAMPLE_NEWS, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .slice(0, count)
    .map((line) => line.split('\t')[3] as string);
}

/**
 * Builds the seeded student on the current backend: a vocabulary built from
 * MIND titles, the settings above, then every weight shifted by seeded uniform
 * noise so that no tensor keeps its constant initial value (LayerNorm 1, bias 0).
 * TensorFlow.js draws seeded random numbers in JavaScript, so every backend
 * builds the same weights.
 */
export async function seededStudent(): Promise<{ encoder: PlmNewsEncoder; tokenizer: Tokenizer }> {
  const registry = createRegistry();
  const titles = sampleTitles(VOCABULARY_TITLES);
  const tokenizer = await registry.create<Tokenizer>('tokenizer', { type: 'wordpiece', build: { vocabularySize: VOCABULARY_SIZE } }, {
    texts: () => titles,
    resolvePath: (path: string) => path,
  });
  const encoder = await registry.create<PlmNewsEncoder>('newsEncoder', { type: 'plm', ...STUDENT_SETTINGS }, {
    registry,
    tokenizer,
    random: new Random(2024),
    resolvePath: (path: string) => path,
    log: () => {},
  });
  encoder.weights().forEach(({ variable }, index) => {
    tf.tidy(() => variable.assign(tf.add(variable, tf.randomUniform(variable.shape, -0.2, 0.2, 'float32', 7000 + index))));
  });
  return { encoder, tokenizer };
}
