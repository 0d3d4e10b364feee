import type { TokenMatrix } from '../../components/tokenizer/Tokenizer.ts';

/** A text column of the news corpus. */
export type NewsField = 'title' | 'abstract';

/**
 * What a news encoder may read of every corpus article, indexed by corpus
 * row: token matrices of the texts for the model's tokenizer, and category
 * and subcategory ids. Built once per tokenizer and shared by every stage.
 */
export interface NewsFeatures {
  /** Number of articles (rows). */
  readonly size: number;
  /** Token matrix of a text field, one row per article, computed on first use. */
  tokens(field: NewsField, length: number): TokenMatrix;
  /** Category id per article; 0 is the reserved unknown id. */
  readonly categories: Int32Array;
  /** Rows of a category embedding table: the number of ids, unknown included. */
  readonly categoryCount: number;
  /** Subcategory id per article; 0 is the reserved unknown id. */
  readonly subcategories: Int32Array;
  readonly subcategoryCount: number;
}

/** The rows a news encoder is asked for, and the text the stage reads them by. */
export interface NewsInput {
  /** Corpus rows to encode. */
  readonly rows: readonly number[];
  /**
   * The text this stage scores the articles by and its token length: the title
   * for click prediction, the abstract on the body side of post-training.
   * Encoders that read whole articles (NAML) may read other fields too.
   */
  readonly field: NewsField;
  readonly length: number;
  readonly features: NewsFeatures;
}
