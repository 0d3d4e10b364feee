import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TokenMatrix, Tokenizer } from '../../components/tokenizer/Tokenizer.ts';
import { loadWordPieceTokenizer } from '../../components/tokenizer/loadWordPieceTokenizer.ts';
import { TokenMatrixStore } from '../../framework/model/TokenMatrixStore.ts';

const CHECKPOINT = join(import.meta.dirname, '..', '..', '.cache', 'checkpoints', 'all-MiniLM-L6-v2');
const TITLES = ['Stocks rise as markets rally', 'A quiet week for the Lakers', 'Storm warnings along the coast'];

describe('token matrix store', () => {
  let tokenizer: Tokenizer;
  beforeAll(async () => {
    tokenizer = await loadWordPieceTokenizer(CHECKPOINT);
  });

  /** Calls the store and counts how often it had to encode. */
  function counted(store: TokenMatrixStore, texts: readonly string[], length: number): { matrix: TokenMatrix; encoded: number } {
    let encoded = 0;
    const matrix = store.matrix(tokenizer, 'title', texts, length, () => {
      encoded += 1;
      return tokenizer.encodeBatch(texts, length);
    });
    return { matrix, encoded };
  }

  it('reads the matrix back instead of encoding', () => {
    const store = new TokenMatrixStore(mkdtempSync(join(tmpdir(), 'tokens-')));
    const first = counted(store, TITLES, 12);
    const second = counted(new TokenMatrixStore(store.directory), TITLES, 12);
    expect(first.encoded).toBe(1);
    expect(second.encoded).toBe(0);
    expect(Array.from(second.matrix.inputIds)).toEqual(Array.from(first.matrix.inputIds));
    expect(Array.from(second.matrix.attentionMask)).toEqual(Array.from(first.matrix.attentionMask));
    expect([second.matrix.count, second.matrix.length]).toEqual([3, 12]);
  });

  it('encodes again for another length or text', () => {
    const store = new TokenMatrixStore(mkdtempSync(join(tmpdir(), 'tokens-')));
    counted(store, TITLES, 12);
    expect(counted(store, TITLES, 10).encoded).toBe(1);
    expect(counted(store, [...TITLES.slice(0, 2), 'Storm warnings along the bay'], 12).encoded).toBe(1);
    expect(readdirSync(store.directory)).toHaveLength(3);
  });

  it('encodes again when the file is damaged', () => {
    const store = new TokenMatrixStore(mkdtempSync(join(tmpdir(), 'tokens-')));
    counted(store, TITLES, 12);
    const [file] = readdirSync(store.directory);
    writeFileSync(join(store.directory, file as string), 'truncated');
    const again = counted(store, TITLES, 12);
    expect(again.encoded).toBe(1);
    expect(Array.from(again.matrix.inputIds)).toEqual(Array.from(tokenizer.encodeBatch(TITLES, 12).inputIds));
  });

  it('skips tokenizers without a vocabulary', () => {
    const store = new TokenMatrixStore(mkdtempSync(join(tmpdir(), 'tokens-')));
    const opaque: Tokenizer = { vocabSize: 3, padId: 0, encode: () => [], encodeBatch: (texts, length) => tokenizer.encodeBatch(texts, length), save: async () => {} };
    let encoded = 0;
    store.matrix(opaque, 'title', TITLES, 8, () => {
      encoded += 1;
      return opaque.encodeBatch(TITLES, 8);
    });
    store.matrix(opaque, 'title', TITLES, 8, () => {
      encoded += 1;
      return opaque.encodeBatch(TITLES, 8);
    });
    expect(encoded).toBe(2);
    expect(readdirSync(store.directory)).toHaveLength(0);
  });
});
