import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { basicTokenize } from '../../components/tokenizer/basicTokenize.ts';
import { buildVocabulary } from '../../components/tokenizer/buildVocabulary.ts';
import { loadWordPieceTokenizer } from '../../components/tokenizer/loadWordPieceTokenizer.ts';
import { WordPieceTokenizer } from '../../components/tokenizer/WordPieceTokenizer.ts';
import { wordPiece } from '../../components/tokenizer/wordpiece.ts';
import { REFERENCE_FIXTURE, SAMPLE_NEWS, requireMiniLm } from '../model/checkpointDirectory.ts';
import { decodeIds } from '../model/fixtureValues.ts';

const UNCASED = { lowercase: true, stripAccents: true, splitChineseCharacters: true };

/** Hugging Face ids of texts truncated and padded to maxLength. Attention mask i is `lengths[i]` ones, then zeros. */
interface ReferenceTokens {
  lengths: number[];
  untruncatedLengths: number[];
  ids: string;
}

interface TokenizerFixture {
  tokenizer: { maxLength: number; titles: ReferenceTokens; extraTexts: string[]; extra: ReferenceTokens };
}

/** Describes every text whose ids or attention mask differ from the reference, one line each. */
function compareWithReference(tokenizer: WordPieceTokenizer, texts: readonly string[], reference: ReferenceTokens, maxLength: number): string[] {
  const ids = decodeIds(reference.ids);
  const batch = tokenizer.encodeBatch(texts, maxLength);
  const mismatches: string[] = [];
  let offset = 0;
  reference.lengths.forEach((length, row) => {
    const expectedIds = [...ids.subarray(offset, offset + length)];
    offset += length;
    while (expectedIds.length < maxLength) expectedIds.push(tokenizer.padId);
    const expectedMask = Array.from({ length: maxLength }, (_, position) => (position < length ? 1 : 0));
    const actualIds = [...batch.inputIds.subarray(row * maxLength, (row + 1) * maxLength)];
    const actualMask = [...batch.attentionMask.subarray(row * maxLength, (row + 1) * maxLength)];
    if (actualIds.join(' ') !== expectedIds.join(' ')) {
      mismatches.push(`${JSON.stringify(texts[row])}: expected ids ${expectedIds.join(' ')}, got ${actualIds.join(' ')}`);
    }
    if (actualMask.join('') !== expectedMask.join('')) {
      mismatches.push(`${JSON.stringify(texts[row])}: expected mask ${expectedMask.join('')}, got ${actualMask.join('')}`);
    }
  });
  return mismatches;
}

async function sampleTitles(): Promise<string[]> {
  const text = await readFile(SAMPLE_NEWS, 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\t')[3] as string);
}

describe('basicTokenize', () => {
  it('splits punctuation and symbols', () => {
    expect(basicTokenize("Don't pay $1,000 (yet)!", UNCASED)).toEqual(['don', "'", 't', 'pay', '$', '1', ',', '000', '(', 'yet', ')', '!']);
  });

  it('lowercases and strips accents', () => {
    expect(basicTokenize('Café São Paulo Ångström', UNCASED)).toEqual(['cafe', 'sao', 'paulo', 'angstrom']);
  });

  it('keeps accents and case when cased', () => {
    expect(basicTokenize('Café', { ...UNCASED, lowercase: false, stripAccents: false })).toEqual(['Café']);
  });

  it('spaces out CJK characters', () => {
    expect(basicTokenize('東京tower', UNCASED)).toEqual(['東', '京', 'tower']);
  });

  it('drops control characters and maps whitespace', () => {
    expect(basicTokenize('a\u0000b\u200bc\td\u00a0e\u2028f', UNCASED)).toEqual(['abc', 'd', 'e', 'f']);
  });

  it('treats unicode quotes and dashes as punctuation', () => {
    expect(basicTokenize('“Hi”—you…', UNCASED)).toEqual(['“', 'hi', '”', '—', 'you', '…']);
  });
});

describe('WordPieceTokenizer', () => {
  const vocabulary = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'un', '##aff', '##able', 'aff', '##a', 'runn', '##ing', ','];
  const tokenizer = new WordPieceTokenizer(vocabulary, UNCASED);

  it('matches longest pieces first', () => {
    expect(tokenizer.tokenize('unaffable running')).toEqual(['un', '##aff', '##able', 'runn', '##ing']);
  });

  it('maps words with an unknown piece to [UNK]', () => {
    expect(tokenizer.tokenize('unaffxable, un')).toEqual(['[UNK]', ',', 'un']);
  });

  it('maps words over 100 characters to [UNK]', () => {
    expect(tokenizer.tokenize('un' + 'a'.repeat(99))).toEqual(['[UNK]']);
    expect(tokenizer.tokenize('un' + 'a'.repeat(98))).toHaveLength(99);
  });

  it('truncates keeping [CLS] and [SEP]', () => {
    expect(tokenizer.encode('unaffable running', 4)).toEqual([2, 5, 6, 3]);
    expect(tokenizer.encode('', 4)).toEqual([2, 3]);
  });

  it('pads batches with masks', () => {
    const batch = tokenizer.encodeBatch(['un', 'unaffable'], 5);
    expect([...batch.inputIds]).toEqual([2, 5, 3, 0, 0, 2, 5, 6, 7, 3]);
    expect([...batch.attentionMask]).toEqual([1, 1, 1, 0, 0, 1, 1, 1, 1, 1]);
  });

  it('rejects maxLength below 2', () => {
    expect(() => tokenizer.encode('un', 1)).toThrow('maxLength must be at least 2 to hold [CLS] and [SEP], got 1');
  });
});

describe('buildVocabulary', () => {
  const texts = ['The cat sat', 'the cat ran', 'A dog ran!'];

  it('orders specials, characters, then words', () => {
    const vocabulary = buildVocabulary(texts, 100, UNCASED);
    expect(vocabulary.slice(0, 5)).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
    expect(vocabulary).toContain('##t');
    expect(vocabulary.indexOf('cat')).toBeGreaterThan(vocabulary.indexOf('##!'));
    expect(vocabulary.indexOf('the')).toBeLessThan(vocabulary.indexOf('dog'));
  });

  it('does not depend on text order', () => {
    expect(buildVocabulary([...texts].reverse(), 40, UNCASED)).toEqual(buildVocabulary(texts, 40, UNCASED));
  });

  it('stops at the requested size', () => {
    expect(buildVocabulary(texts, 12, UNCASED)).toHaveLength(12);
  });

  it('tokenizes unseen words without [UNK]', async () => {
    const built = await wordPiece.create({ build: { vocabularySize: 60 } }, { texts: () => texts, resolvePath: (path) => path });
    expect((built as WordPieceTokenizer).tokenize('tac')).toEqual(['t', '##a', '##c']);
  });
});

describe('wordpiece settings', () => {
  it('rejects two vocabulary sources', async () => {
    await expect(
      wordPiece.create({ vocabulary: 'vocab.txt', build: { vocabularySize: 10 } }, { texts: () => [], resolvePath: (path) => path }),
    ).rejects.toThrow('wordpiece tokenizer: give exactly one of checkpoint, vocabulary or build, got vocabulary and build');
  });
});

describe('wordpiece on all-MiniLM-L6-v2', () => {
  it('sample titles include the hard cases', async () => {
    const titles = await sampleTitles();
    const fixture = (JSON.parse(await readFile(REFERENCE_FIXTURE, 'utf8')) as TokenizerFixture).tokenizer;
    const count = (pattern: RegExp) => titles.filter((title) => pattern.test(title.normalize('NFD'))).length;
    expect(count(/\p{Mn}/u), 'titles with accents').toBeGreaterThan(0);
    expect(count(/["“”‘’']/u), 'titles with quotes').toBeGreaterThan(0);
    expect(count(/\d,\d{3}/u), 'titles with numbers with commas').toBeGreaterThan(0);
    // The sample has no emoji, so the fixture adds hand-written texts with them.
    expect(fixture.extraTexts.filter((text) => /\p{Extended_Pictographic}/u.test(text)).length, 'extra texts with emoji').toBeGreaterThan(0);
    const truncated = fixture.titles.untruncatedLengths.filter((length) => length > fixture.maxLength).length;
    expect(truncated, 'titles longer than maxLength').toBeGreaterThan(0);
  });

  it('matches Hugging Face ids and masks on every sample title', async () => {
    const tokenizer = await loadWordPieceTokenizer(requireMiniLm());
    const fixture = (JSON.parse(await readFile(REFERENCE_FIXTURE, 'utf8')) as TokenizerFixture).tokenizer;
    const titles = await sampleTitles();
    expect(titles).toHaveLength(fixture.titles.lengths.length);
    expect(compareWithReference(tokenizer, titles, fixture.titles, fixture.maxLength)).toEqual([]);
  });

  it('matches Hugging Face on emoji and rare characters', async () => {
    const tokenizer = await loadWordPieceTokenizer(requireMiniLm());
    const fixture = (JSON.parse(await readFile(REFERENCE_FIXTURE, 'utf8')) as TokenizerFixture).tokenizer;
    expect(compareWithReference(tokenizer, fixture.extraTexts, fixture.extra, fixture.maxLength)).toEqual([]);
  });

  it('saves files that load back identically', async () => {
    const tokenizer = await loadWordPieceTokenizer(requireMiniLm());
    const directory = await mkdtemp(join(tmpdir(), 'wordpiece-'));
    await tokenizer.save(directory);
    const reloaded = await loadWordPieceTokenizer(directory);
    expect(reloaded.vocabulary).toEqual(tokenizer.vocabulary);
    expect(reloaded.options).toEqual(tokenizer.options);
    const config = JSON.parse(await readFile(join(directory, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ tokenizer_class: 'BertTokenizer', do_lower_case: true, unk_token: '[UNK]' });
  });
});
