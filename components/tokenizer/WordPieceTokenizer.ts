import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TokenMatrix, Tokenizer } from './Tokenizer.ts';
import { basicTokenize, type BasicTokenizeOptions } from './basicTokenize.ts';

/** The special tokens of a BERT vocabulary. */
export interface SpecialTokens {
  readonly unk: string;
  readonly cls: string;
  readonly sep: string;
  readonly pad: string;
  readonly mask: string;
}

export const BERT_SPECIAL_TOKENS: SpecialTokens = {
  unk: '[UNK]',
  cls: '[CLS]',
  sep: '[SEP]',
  pad: '[PAD]',
  mask: '[MASK]',
};

/** Words longer than this many characters become [UNK] (BertTokenizer's max_input_chars_per_word). */
const MAX_CHARACTERS_PER_WORD = 100;

/**
 * Hugging Face BertTokenizer: basic pre-tokenization, then greedy
 * longest-match-first WordPiece with `##` continuation pieces.
 */
export class WordPieceTokenizer implements Tokenizer {
  readonly vocabSize: number;
  readonly padId: number;
  readonly unkId: number;
  readonly clsId: number;
  readonly sepId: number;
  private readonly ids: Map<string, number>;

  constructor(
    /** Tokens in id order. */
    readonly vocabulary: readonly string[],
    readonly options: BasicTokenizeOptions,
    readonly specialTokens: SpecialTokens = BERT_SPECIAL_TOKENS,
  ) {
    this.ids = new Map();
    vocabulary.forEach((token, id) => {
      // vocab.txt files may repeat a token; BertTokenizer keeps the last id.
      this.ids.set(token, id);
    });
    this.vocabSize = vocabulary.length;
    this.padId = this.requireId(specialTokens.pad);
    this.unkId = this.requireId(specialTokens.unk);
    this.clsId = this.requireId(specialTokens.cls);
    this.sepId = this.requireId(specialTokens.sep);
  }

  private requireId(token: string): number {
    const id = this.ids.get(token);
    if (id === undefined) {
      throw new Error(`the vocabulary has no special token ${token}`);
    }
    return id;
  }

  /** Returns the id of a token, or undefined when the token is not in the vocabulary. */
  idOf(token: string): number | undefined {
    return this.ids.get(token);
  }

  /** WordPiece tokens of a text, without special tokens or truncation. */
  tokenize(text: string): string[] {
    const tokens: string[] = [];
    for (const word of basicTokenize(text, this.options)) {
      tokens.push(...this.splitWord(word));
    }
    return tokens;
  }

  private splitWord(word: string): string[] {
    const characters = Array.from(word);
    if (characters.length > MAX_CHARACTERS_PER_WORD) {
      return [this.specialTokens.unk];
    }
    const pieces: string[] = [];
    let start = 0;
    while (start < characters.length) {
      let end = characters.length;
      let piece: string | undefined;
      while (start < end) {
        const candidate = (start > 0 ? '##' : '') + characters.slice(start, end).join('');
        if (this.ids.has(candidate)) {
          piece = candidate;
          break;
        }
        end -= 1;
      }
      if (piece === undefined) {
        return [this.specialTokens.unk];
      }
      pieces.push(piece);
      start = end;
    }
    return pieces;
  }

  encode(text: string, maxLength: number): number[] {
    if (maxLength < 2) {
      throw new Error(`maxLength must be at least 2 to hold [CLS] and [SEP], got ${maxLength}`);
    }
    const ids = this.tokenize(text).map((token) => this.ids.get(token) ?? this.unkId);
    // Truncation drops tokens from the end but keeps the closing [SEP], as Hugging Face does.
    return [this.clsId, ...ids.slice(0, maxLength - 2), this.sepId];
  }

  encodeBatch(texts: readonly string[], maxLength: number): TokenMatrix {
    const inputIds = new Int32Array(texts.length * maxLength).fill(this.padId);
    const attentionMask = new Int32Array(texts.length * maxLength);
    texts.forEach((text, row) => {
      const ids = this.encode(text, maxLength);
      inputIds.set(ids, row * maxLength);
      attentionMask.fill(1, row * maxLength, row * maxLength + ids.length);
    });
    return { count: texts.length, length: maxLength, inputIds, attentionMask };
  }

  /**
   * Writes vocab.txt, tokenizer_config.json and special_tokens_map.json, which
   * Hugging Face's BertTokenizer (and AutoTokenizer) load.
   */
  async save(directory: string): Promise<void> {
    await mkdir(directory, { recursive: true });
    await writeFile(join(directory, 'vocab.txt'), this.vocabulary.join('\n') + '\n');
    const specialTokensMap = {
      unk_token: this.specialTokens.unk,
      sep_token: this.specialTokens.sep,
      pad_token: this.specialTokens.pad,
      cls_token: this.specialTokens.cls,
      mask_token: this.specialTokens.mask,
    };
    const config = {
      tokenizer_class: 'BertTokenizer',
      do_lower_case: this.options.lowercase,
      // null makes BertTokenizer strip accents exactly when it lowercases, which matches the options when they agree.
      strip_accents: this.options.stripAccents === this.options.lowercase ? null : this.options.stripAccents,
      tokenize_chinese_chars: this.options.splitChineseCharacters,
      ...specialTokensMap,
    };
    await writeFile(join(directory, 'tokenizer_config.json'), JSON.stringify(config, null, 2) + '\n');
    await writeFile(join(directory, 'special_tokens_map.json'), JSON.stringify(specialTokensMap, null, 2) + '\n');
  }
}
