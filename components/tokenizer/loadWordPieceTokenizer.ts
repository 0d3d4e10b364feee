import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BERT_SPECIAL_TOKENS, WordPieceTokenizer, type SpecialTokens } from './WordPieceTokenizer.ts';

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function readJson(path: string): Promise<Record<string, unknown> | undefined> {
  if (!(await exists(path))) return undefined;
  return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
}

/** Tokens of a vocab.txt file in id order (line n is id n), as BertTokenizer reads it. */
export async function readVocabularyFile(path: string): Promise<string[]> {
  const text = await readFile(path, 'utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Tokens in id order from the WordPiece model of a tokenizers-library tokenizer.json. */
function vocabularyFromTokenizerJson(path: string, json: Record<string, unknown>): string[] {
  const model = json.model as { type?: string; vocab?: Record<string, number> } | undefined;
  if (model?.type !== 'WordPiece' || model.vocab === undefined) {
    throw new Error(`${path}: expected a WordPiece model with a vocab, found model type ${String(model?.type)}`);
  }
  const vocabulary: string[] = [];
  for (const [token, id] of Object.entries(model.vocab)) vocabulary[id] = token;
  return vocabulary;
}

/** Settings that take precedence over the checkpoint's tokenizer files. */
export interface WordPieceOverrides {
  readonly lowercase?: boolean | undefined;
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

function specialTokensFrom(config: Record<string, unknown> | undefined): SpecialTokens {
  return {
    unk: stringOr(config?.unk_token, BERT_SPECIAL_TOKENS.unk),
    cls: stringOr(config?.cls_token, BERT_SPECIAL_TOKENS.cls),
    sep: stringOr(config?.sep_token, BERT_SPECIAL_TOKENS.sep),
    pad: stringOr(config?.pad_token, BERT_SPECIAL_TOKENS.pad),
    mask: stringOr(config?.mask_token, BERT_SPECIAL_TOKENS.mask),
  };
}

/**
 * Loads a BERT tokenizer from a Hugging Face checkpoint directory. The
 * vocabulary comes from vocab.txt, else from tokenizer.json. Lowercasing,
 * accent stripping and CJK splitting come from tokenizer_config.json, else
 * from tokenizer.json's normalizer, else from BertTokenizer's defaults.
 */
export async function loadWordPieceTokenizer(directory: string, overrides: WordPieceOverrides = {}): Promise<WordPieceTokenizer> {
  const vocabPath = join(directory, 'vocab.txt');
  const tokenizerJsonPath = join(directory, 'tokenizer.json');
  const config = await readJson(join(directory, 'tokenizer_config.json'));
  const tokenizerJson = await readJson(tokenizerJsonPath);

  let vocabulary: string[];
  if (await exists(vocabPath)) {
    vocabulary = await readVocabularyFile(vocabPath);
  } else if (tokenizerJson !== undefined) {
    vocabulary = vocabularyFromTokenizerJson(tokenizerJsonPath, tokenizerJson);
  } else {
    throw new Error(`${directory}: no vocab.txt or tokenizer.json found; a WordPiece tokenizer needs one of them`);
  }

  const normalizer = tokenizerJson?.normalizer as Record<string, unknown> | undefined;
  const lowercase = overrides.lowercase ?? (config?.do_lower_case as boolean | undefined) ?? (normalizer?.lowercase as boolean | undefined) ?? true;
  const stripAccentsSetting = (config?.strip_accents ?? normalizer?.strip_accents) as boolean | null | undefined;
  const splitChineseCharacters =
    (config?.tokenize_chinese_chars as boolean | undefined) ?? (normalizer?.handle_chinese_chars as boolean | undefined) ?? true;

  return new WordPieceTokenizer(
    vocabulary,
    // BertTokenizer strips accents when strip_accents is true, or when it is unset and lowercasing is on.
    { lowercase, stripAccents: stripAccentsSetting ?? lowercase, splitChineseCharacters },
    specialTokensFrom(config),
  );
}
