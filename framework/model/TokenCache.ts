import type { TokenMatrix, Tokenizer } from '../../components/tokenizer/Tokenizer.ts';

/** Which text of a news article to tokenise. */
export type NewsField = 'title' | 'abstract';

/**
 * Token ids of every news article in the corpus, computed once per tokenizer,
 * field and length and shared by all stages and models that use the same
 * tokenizer (clones of a model share their tokenizer object).
 */
export class TokenCache {
  private readonly matrices = new Map<Tokenizer, Map<string, TokenMatrix>>();

  constructor(private readonly texts: Readonly<Record<NewsField, readonly string[]>>) {}

  /** Token matrix with one row per corpus article (row = corpus index). */
  get(tokenizer: Tokenizer, field: NewsField, length: number): TokenMatrix {
    let byKey = this.matrices.get(tokenizer);
    if (byKey === undefined) {
      byKey = new Map();
      this.matrices.set(tokenizer, byKey);
    }
    const key = `${field}:${length}`;
    let matrix = byKey.get(key);
    if (matrix === undefined) {
      matrix = tokenizer.encodeBatch(this.texts[field], length);
      byKey.set(key, matrix);
    }
    return matrix;
  }
}

/**
 * Copies the given rows of a token matrix, cut to the longest real sequence
 * among them. Trailing padding does not change BERT outputs at real positions
 * (padding is masked in attention and pooling), so cutting it only saves work.
 */
export function selectRows(matrix: TokenMatrix, rows: readonly number[]): TokenMatrix {
  let length = 1;
  for (const row of rows) {
    const offset = row * matrix.length;
    let real = 0;
    for (let position = 0; position < matrix.length; position++) {
      if (matrix.attentionMask[offset + position] === 1) {
        real = position + 1;
      }
    }
    length = Math.max(length, real);
  }
  const inputIds = new Int32Array(rows.length * length);
  const attentionMask = new Int32Array(rows.length * length);
  rows.forEach((row, index) => {
    const source = row * matrix.length;
    inputIds.set(matrix.inputIds.subarray(source, source + length), index * length);
    attentionMask.set(matrix.attentionMask.subarray(source, source + length), index * length);
  });
  return { count: rows.length, length, inputIds, attentionMask };
}
