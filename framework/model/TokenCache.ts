import type { TokenMatrix, Tokenizer } from '../../components/tokenizer/Tokenizer.ts';
import { LabelVocabulary } from './LabelVocabulary.ts';
import type { NewsFeatures, NewsField } from './NewsFeatures.ts';
import { defaultTokenMatrixStore } from './TokenMatrixStore.ts';

export type { NewsField } from './NewsFeatures.ts';

/** Category and subcategory of every corpus article, in corpus order. */
export interface ArticleLabels {
  readonly categories: readonly string[];
  readonly subcategories: readonly string[];
}

/** The category and subcategory vocabularies that article labels get their ids from. */
export interface LabelVocabularies {
  readonly categories: LabelVocabulary;
  readonly subcategories: LabelVocabulary;
}

/**
 * Token ids of every news article in the corpus, computed once per tokenizer,
 * field and length and shared by all stages and models that use the same
 * tokenizer (clones of a model share their tokenizer object), plus the
 * category and subcategory ids of every article.
 */
export class TokenCache {
  private readonly matrices = new Map<Tokenizer, Map<string, TokenMatrix>>();
  private readonly featuresByTokenizer = new Map<Tokenizer, NewsFeatures>();
  private readonly categories: LabelVocabulary;
  private readonly subcategories: LabelVocabulary;
  private readonly categoryIds: Int32Array;
  private readonly subcategoryIds: Int32Array;
  /** Token matrices on disk (.cache/tokens by default), so that each corpus is tokenized once across runs. */
  private readonly store = defaultTokenMatrixStore();

  /**
   * Without `labels` every article has the unknown category. `vocabularies`
   * (those a saved model was trained with) fix the label ids; by default the
   * ids follow the order in which `labels` first name each label.
   */
  constructor(
    private readonly texts: Readonly<Record<NewsField, readonly string[]>>,
    labels?: ArticleLabels,
    vocabularies?: LabelVocabularies,
  ) {
    const size = texts.title.length;
    this.categories = vocabularies?.categories ?? new LabelVocabulary(labels?.categories ?? []);
    this.subcategories = vocabularies?.subcategories ?? new LabelVocabulary(labels?.subcategories ?? []);
    this.categoryIds = labels === undefined ? new Int32Array(size) : this.categories.idsOf(labels.categories);
    this.subcategoryIds = labels === undefined ? new Int32Array(size) : this.subcategories.idsOf(labels.subcategories);
  }

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
      const texts = this.texts[field];
      const encode = () => tokenizer.encodeBatch(texts, length);
      matrix = this.store === undefined ? encode() : this.store.matrix(tokenizer, field, texts, length, encode);
      byKey.set(key, matrix);
    }
    return matrix;
  }

  /** The vocabularies the label ids come from; saved with a model so that it reads the same ids later. */
  get labelVocabularies(): LabelVocabularies {
    return { categories: this.categories, subcategories: this.subcategories };
  }

  /** Rows of a category embedding table: the corpus's categories plus the unknown id. */
  get categoryCount(): number {
    return this.categories.size;
  }

  get subcategoryCount(): number {
    return this.subcategories.size;
  }

  /** Everything a news encoder with this tokenizer may read of the corpus. */
  features(tokenizer: Tokenizer): NewsFeatures {
    let features = this.featuresByTokenizer.get(tokenizer);
    if (features === undefined) {
      features = {
        size: this.texts.title.length,
        tokens: (field, length) => this.get(tokenizer, field, length),
        categories: this.categoryIds,
        categoryCount: this.categories.size,
        subcategories: this.subcategoryIds,
        subcategoryCount: this.subcategories.size,
      };
      this.featuresByTokenizer.set(tokenizer, features);
    }
    return features;
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
