/**
 * Pre-tokenization of Hugging Face's BertTokenizer (BasicTokenizer in
 * transformers' tokenization_bert.py, and BertNormalizer + BertPreTokenizer in
 * the `tokenizers` library): clean the text, space out CJK characters, lowercase
 * and strip accents, then split on whitespace and punctuation.
 */
export interface BasicTokenizeOptions {
  readonly lowercase: boolean;
  /** Remove combining marks after NFD decomposition. BertTokenizer does it when it lowercases, unless strip_accents is false. */
  readonly stripAccents: boolean;
  readonly splitChineseCharacters: boolean;
}

const CONTROL = /^\p{C}$/u;
const SPACE_SEPARATOR = /^\p{Zs}$/u;
const PUNCTUATION = /^\p{P}$/u;
const NONSPACING_MARK = /\p{Mn}/gu;

function isWhitespace(char: string): boolean {
  return char === ' ' || char === '\t' || char === '\n' || char === '\r' || SPACE_SEPARATOR.test(char);
}

/** Control and format characters (Unicode category C*), except the whitespace ones. */
function isControl(char: string): boolean {
  if (char === '\t' || char === '\n' || char === '\r') return false;
  return CONTROL.test(char);
}

/** ASCII symbols count as punctuation too (e.g. `$`, `^`, `` ` ``), as in BertTokenizer. */
function isPunctuation(char: string): boolean {
  const code = char.codePointAt(0) as number;
  if ((code >= 33 && code <= 47) || (code >= 58 && code <= 64) || (code >= 91 && code <= 96) || (code >= 123 && code <= 126)) {
    return true;
  }
  return PUNCTUATION.test(char);
}

/** Tests for the CJK Unified Ideographs blocks that BertTokenizer splits into single characters. */
function isChineseCharacter(code: number): boolean {
  return (
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x20000 && code <= 0x2a6df) ||
    (code >= 0x2a700 && code <= 0x2b73f) ||
    (code >= 0x2b740 && code <= 0x2b81f) ||
    (code >= 0x2b820 && code <= 0x2ceaf) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0x2f800 && code <= 0x2fa1f)
  );
}

/** Drops NUL, U+FFFD and control characters and turns every whitespace character into a space. */
function cleanText(text: string, splitChineseCharacters: boolean): string {
  let cleaned = '';
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (code === 0 || code === 0xfffd || isControl(char)) continue;
    if (isWhitespace(char)) {
      cleaned += ' ';
    } else if (splitChineseCharacters && isChineseCharacter(code)) {
      cleaned += ` ${char} `;
    } else {
      cleaned += char;
    }
  }
  return cleaned;
}

function splitOnPunctuation(word: string): string[] {
  const pieces: string[] = [];
  let current = '';
  for (const char of word) {
    if (isPunctuation(char)) {
      if (current !== '') pieces.push(current);
      pieces.push(char);
      current = '';
    } else {
      current += char;
    }
  }
  if (current !== '') pieces.push(current);
  return pieces;
}

/** Splits text into the words that WordPiece then cuts into subwords. */
export function basicTokenize(text: string, options: BasicTokenizeOptions): string[] {
  const words: string[] = [];
  // Line and paragraph separators survive cleaning (category Z, not Zs) but Python's str.split() splits on them.
  for (const rawWord of cleanText(text, options.splitChineseCharacters).split(/[ \u2028\u2029]/)) {
    if (rawWord === '') continue;
    let word = options.lowercase ? rawWord.toLowerCase() : rawWord;
    if (options.stripAccents) {
      word = word.normalize('NFD').replace(NONSPACING_MARK, '');
    }
    words.push(...splitOnPunctuation(word));
  }
  return words;
}
