import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmbeddingTable } from '../../components/embedding/EmbeddingTable.ts';
import { WordPieceTokenizer } from '../../components/tokenizer/WordPieceTokenizer.ts';
import { Random } from '../../framework/random/Random.ts';
import { useBackend } from '../backend/backends.ts';
import { requireMiniLm } from './checkpointDirectory.ts';

const VOCABULARY = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'stocks', 'rally', 'city'];
const tokenizer = new WordPieceTokenizer(VOCABULARY, { lowercase: true, stripAccents: true, splitChineseCharacters: true });

function contextOf(logs: string[] = []) {
  return { tokenizer, random: new Random(1), resolvePath: (path: string) => path, log: (message: string) => logs.push(message) };
}

describe('word embeddings', () => {
  it('load GloVe vectors of known tokens', async () => {
    await useBackend('cpu');
    const file = join(mkdtempSync(join(tmpdir(), 'glove-')), 'glove.txt');
    writeFileSync(file, 'stocks 1 2 3\nunused 9 9 9\ncity -1 0.5 2\n');
    const logs: string[] = [];
    const table = await EmbeddingTable.words({ size: 3, glove: file, trainable: true }, contextOf(logs));
    const rows = (await table.weights()[0]?.variable.array()) as number[][];
    expect(rows[5]).toEqual([1, 2, 3]);
    expect(rows[7]).toEqual([-1, 0.5, 2]);
    expect(Math.max(...(rows[6] as number[]).map(Math.abs))).toBeLessThanOrEqual(0.05);
    expect(logs).toEqual([`word embeddings: 2 of 8 tokens found in ${file}; the others start at random`]);
    table.dispose();
  });

  it('rejects a GloVe line of the wrong width', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'glove-')), 'glove.txt');
    writeFileSync(file, 'stocks 1 2 3\ncity 1 2\n');
    await expect(EmbeddingTable.words({ size: 3, glove: file, trainable: true }, contextOf())).rejects.toThrow(
      `${file}:2: expected a token and 3 numbers, got 3 fields`,
    );
  });

  it('rejects checkpoint embeddings of another width', async () => {
    const checkpoint = requireMiniLm();
    await expect(EmbeddingTable.words({ size: 300, checkpoint, trainable: true }, contextOf())).rejects.toThrow(
      'input embeddings have width 384, but wordEmbedding.size is 300; set size: 384',
    );
  });

  it('rejects checkpoint embeddings of another vocabulary', async () => {
    const checkpoint = requireMiniLm();
    await expect(EmbeddingTable.words({ size: 384, checkpoint, trainable: true }, contextOf())).rejects.toThrow(
      "input embeddings have 30522 rows, but the tokenizer has 8 tokens; use the checkpoint's own tokenizer",
    );
  });
});
