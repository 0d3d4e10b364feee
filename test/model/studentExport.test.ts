import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createBertBackbone } from '../../components/backbone/createBertBackbone.ts';
import { loadPlmNewsEncoder } from '../../components/newsEncoder/PlmNewsEncoder.ts';
import { loadWordPieceTokenizer } from '../../components/tokenizer/loadWordPieceTokenizer.ts';
import { Random } from '../../framework/random/Random.ts';
import { createRegistry } from '../../framework/registry/createRegistry.ts';
import { describeEachBackend } from '../backend/backends.ts';
import { decodeFloats, maxAbsDifference } from './fixtureValues.ts';
import { STUDENT_EXPORT, STUDENT_REFERENCE, STUDENT_SETTINGS, seededStudent } from './seededStudent.ts';

interface StudentReference {
  loadedAs: { model: string; tokenizer: string };
  config: Record<string, unknown>;
  titles: string[];
  maxLength: number;
  inputIds: number[][];
  attentionMask: number[][];
  lastHiddenState: string;
  newsVectors: string;
}

const TOLERANCE = 1e-5;

async function readReference(): Promise<StudentReference> {
  return JSON.parse(await readFile(STUDENT_REFERENCE, 'utf8')) as StudentReference;
}

const noLog = { resolvePath: (path: string) => path, log: () => {} };

it('transformers loaded the export as BertModel', async () => {
  const reference = await readReference();
  expect(reference.loadedAs).toEqual({ model: 'BertModel', tokenizer: 'BertTokenizer' });
  const config = JSON.parse(await readFile(join(STUDENT_EXPORT, 'config.json'), 'utf8')) as Record<string, unknown>;
  for (const [key, value] of Object.entries(reference.config)) {
    expect(config[key], key).toEqual(value);
  }
});

describeEachBackend('student export', (backend) => {
  it('writes the committed files byte for byte', async () => {
    const { encoder } = await seededStudent();
    const directory = await mkdtemp(join(tmpdir(), `student-export-${backend}-`));
    await encoder.save(directory);
    encoder.dispose();

    const committed = (await readdir(STUDENT_EXPORT)).sort();
    expect((await readdir(directory)).sort()).toEqual(committed);
    for (const file of committed) {
      const written = await readFile(join(directory, file));
      // On a difference, rerun scripts/reference/write-student-export.ts and student_export_reference.py.
      expect(written.equals(await readFile(join(STUDENT_EXPORT, file))), file).toBe(true);
    }
  });

  it('tokenizes like transformers', async () => {
    const reference = await readReference();
    const tokenizer = await loadWordPieceTokenizer(STUDENT_EXPORT);
    const batch = tokenizer.encodeBatch(reference.titles, reference.maxLength);
    const rows = (values: Int32Array) =>
      reference.titles.map((_, row) => [...values.subarray(row * reference.maxLength, (row + 1) * reference.maxLength)]);
    expect(rows(batch.inputIds)).toEqual(reference.inputIds);
    expect(rows(batch.attentionMask)).toEqual(reference.attentionMask);
  });

  it('computes the hidden states transformers computes', async () => {
    const reference = await readReference();
    const backbone = await createBertBackbone({ checkpoint: STUDENT_EXPORT }, { vocabularySize: 400, random: new Random(1), ...noLog });
    const ids = tf.tensor2d(reference.inputIds, undefined, 'int32');
    const mask = tf.tensor2d(reference.attentionMask, undefined, 'int32');
    const states = backbone.apply(ids, mask, false);
    const difference = maxAbsDifference(await states.data(), decodeFloats(reference.lastHiddenState));
    console.info(`${backend}: exported student, max abs difference of last hidden states: ${difference.toExponential(2)}`);
    expect(difference).toBeLessThanOrEqual(TOLERANCE);
    tf.dispose([ids, mask, states]);
    backbone.dispose();
  });

  it('computes the news vectors PyTorch computes', async () => {
    const reference = await readReference();
    const encoder = await loadPlmNewsEncoder(STUDENT_EXPORT, STUDENT_SETTINGS, { registry: createRegistry(), random: new Random(1), ...noLog });
    const tokens = {
      inputIds: tf.tensor2d(reference.inputIds, undefined, 'int32'),
      attentionMask: tf.tensor2d(reference.attentionMask, undefined, 'int32'),
    };
    const vectors = encoder.encode(tokens, false);
    const difference = maxAbsDifference(await vectors.data(), decodeFloats(reference.newsVectors));
    console.info(`${backend}: exported student, max abs difference of news vectors: ${difference.toExponential(2)}`);
    expect(difference).toBeLessThanOrEqual(TOLERANCE);
    tf.dispose([tokens.inputIds, tokens.attentionMask, vectors]);
    encoder.dispose();
  });
});
