import { basicTokenize, type BasicTokenizeOptions } from './basicTokenize.ts';
import { BERT_SPECIAL_TOKENS } from './WordPieceTokenizer.ts';

function byCountThenText(a: [string, number], b: [string, number]): number {
  if (a[1] !== b[1]) return b[1] - a[1];
  if (a[0] === b[0]) return 0;
  return a[0] < b[0] ? -1 : 1;
}

/**
 * Builds a WordPiece vocabulary of `size` tokens from texts. It starts with the
 * special tokens ([PAD] first, so its id is 0 as in BERT). Then come the
 * characters seen, each as a word start and as a `##` continuation, most
 * frequent first, and then the most frequent whole words. Any word made of
 * known characters is tokenized without [UNK], because it falls back to
 * characters. Ties are broken by text, so the result does not depend on the
 * order of the texts.
 */
export function buildVocabulary(texts: Iterable<string>, size: number, options: BasicTokenizeOptions): string[] {
  const wordCounts = new Map<string, number>();
  const characterCounts = new Map<string, number>();
  for (const text of texts) {
    for (const word of basicTokenize(text, options)) {
      wordCounts.set(word, (wordCounts.get(word) ?? 0) + 1);
      for (const char of word) {
        characterCounts.set(char, (characterCounts.get(char) ?? 0) + 1);
      }
    }
  }

  const { pad, unk, cls, sep, mask } = BERT_SPECIAL_TOKENS;
  const vocabulary = [pad, unk, cls, sep, mask];
  const seen = new Set(vocabulary);
  const add = (token: string): void => {
    if (vocabulary.length < size && !seen.has(token)) {
      vocabulary.push(token);
      seen.add(token);
    }
  };

  for (const [char] of [...characterCounts].sort(byCountThenText)) {
    add(char);
    add(`##${char}`);
  }
  for (const [word] of [...wordCounts].sort(byCountThenText)) {
    if (Array.from(word).length > 1) add(word);
  }
  return vocabulary;
}
