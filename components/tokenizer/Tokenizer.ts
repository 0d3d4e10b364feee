/** Token ids and attention masks of many texts, padded or truncated to one length (row-major). */
export interface TokenMatrix {
  readonly count: number;
  readonly length: number;
  readonly inputIds: Int32Array;
  readonly attentionMask: Int32Array;
}

/** Turns text into model input ids, the way the checkpoint's Hugging Face tokenizer does. */
export interface Tokenizer {
  readonly vocabSize: number;
  readonly padId: number;
  /** Ids of one text with [CLS] ... [SEP], truncated to maxLength, without padding. */
  encode(text: string, maxLength: number): number[];
  /** Ids and masks of many texts, right-padded with padId to maxLength. */
  encodeBatch(texts: readonly string[], maxLength: number): TokenMatrix;
  /** Writes the files Hugging Face needs to load this tokenizer (vocab.txt, tokenizer_config.json, ...). */
  save(directory: string): Promise<void>;
}
