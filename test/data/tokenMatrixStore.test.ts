import { appendFileSync, cpSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../framework/cli/main.ts';
import type { TokenMatrix, Tokenizer } from '../../components/tokenizer/Tokenizer.ts';
import { loadWordPieceTokenizer } from '../../components/tokenizer/loadWordPieceTokenizer.ts';
import { clearTokenMatrices, resolveTokenCacheDirectory, TokenMatrixStore, tokenizerCodeVersion } from '../../framework/model/TokenMatrixStore.ts';

const CHECKPOINT = join(import.meta.dirname, '..', '..', '.cache', 'checkpoints', 'all-MiniLM-L6-v2');
const TOKENIZER_SOURCES = join(import.meta.dirname, '..', '..', 'components', 'tokenizer');
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

  it('encodes again for another tokenizer code version', () => {
    const directory = mkdtempSync(join(tmpdir(), 'tokens-'));
    const before = counted(new TokenMatrixStore(directory, 'tokenizer code 1'), TITLES, 12);
    const after = counted(new TokenMatrixStore(directory, 'tokenizer code 2'), TITLES, 12);

    expect(before.encoded).toBe(1);
    expect(after.encoded).toBe(1);
    expect(readdirSync(directory)).toHaveLength(2);
  });

  it('keys files by the tokenizer sources by default', () => {
    const directory = mkdtempSync(join(tmpdir(), 'tokens-'));
    counted(new TokenMatrixStore(directory), TITLES, 12);

    expect(counted(new TokenMatrixStore(directory, tokenizerCodeVersion(TOKENIZER_SOURCES)), TITLES, 12).encoded).toBe(0);
    expect(counted(new TokenMatrixStore(directory, 'another version'), TITLES, 12).encoded).toBe(1);
  });

  it('changes the code version with a tokenizer source edit', () => {
    const copy = join(mkdtempSync(join(tmpdir(), 'tokenizer-code-')), 'tokenizer');
    cpSync(TOKENIZER_SOURCES, copy, { recursive: true });
    const original = tokenizerCodeVersion(copy);

    expect(original).toBe(tokenizerCodeVersion(TOKENIZER_SOURCES));
    appendFileSync(join(copy, 'basicTokenize.ts'), '\n// edited\n');
    expect(tokenizerCodeVersion(copy)).not.toBe(original);
  });

  it('clears only token matrix files', () => {
    const store = new TokenMatrixStore(mkdtempSync(join(tmpdir(), 'tokens-')));
    counted(store, TITLES, 12);
    counted(store, TITLES, 10);
    writeFileSync(join(store.directory, 'notes.txt'), 'kept');

    const dryRun = clearTokenMatrices(store.directory, true);
    expect(dryRun.files).toBe(2);
    // A 16-byte header, then 4 bytes of input id and 1 byte of mask per cell.
    expect(dryRun.bytes).toBe(16 + 3 * 12 * 5 + (16 + 3 * 10 * 5));
    expect(readdirSync(store.directory)).toHaveLength(3);

    const cleared = clearTokenMatrices(store.directory, false);
    expect(cleared.files).toBe(2);
    expect(readdirSync(store.directory)).toEqual(['notes.txt']);
  });
});

describe('token cache directory', () => {
  it('follows the environment variables', () => {
    const cases: [NodeJS.ProcessEnv, string | undefined][] = [
      [{}, resolve('.cache', 'tokens')],
      [{ NEWSREC_CACHE_DIR: '/tmp/stage-cache' }, '/tmp/stage-cache/tokens'],
      [{ NEWSREC_CACHE_DIR: '/tmp/stage-cache', NEWSREC_TOKEN_CACHE_DIR: '/tmp/token-cache' }, '/tmp/token-cache'],
      [{ NEWSREC_TOKEN_CACHE: '/tmp/older-setting' }, '/tmp/older-setting'],
      [{ NEWSREC_TOKEN_CACHE: 'off', NEWSREC_TOKEN_CACHE_DIR: '/tmp/token-cache' }, undefined],
    ];
    for (const [env, expected] of cases) {
      expect(resolveTokenCacheDirectory(env), JSON.stringify(env)).toBe(expected);
    }
  });
});

describe('cache prune --all', () => {
  const previous = process.env.NEWSREC_TOKEN_CACHE_DIR;
  afterEach(() => {
    if (previous === undefined) delete process.env.NEWSREC_TOKEN_CACHE_DIR;
    else process.env.NEWSREC_TOKEN_CACHE_DIR = previous;
  });

  it('clears the token cache', async () => {
    const tokenizer = await loadWordPieceTokenizer(CHECKPOINT);
    const store = new TokenMatrixStore(mkdtempSync(join(tmpdir(), 'tokens-')));
    store.matrix(tokenizer, 'title', TITLES, 12, () => tokenizer.encodeBatch(TITLES, 12));
    process.env.NEWSREC_TOKEN_CACHE_DIR = store.directory;
    let stdout = '';
    const io = { stdout: { write: (chunk: string) => ((stdout += chunk), true) }, stderr: { write: () => true } };

    const code = await main(['cache', 'prune', '--all', '--cache-dir', mkdtempSync(join(tmpdir(), 'stage-cache-'))], io as never);

    expect(code).toBe(0);
    expect(stdout).toContain(`token cache ${store.directory}: removed 1 files`);
    expect(readdirSync(store.directory)).toEqual([]);
  });
});
