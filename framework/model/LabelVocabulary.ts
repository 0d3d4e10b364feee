/**
 * Dense ids of the labels of one article column (categories or
 * subcategories). Id 0 is reserved for a label the vocabulary has not seen,
 * so an embedding table of `size` rows covers every id it returns.
 */
export class LabelVocabulary {
  static readonly UNKNOWN = 0;
  private readonly idByLabel = new Map<string, number>();

  /** Gives each distinct label an id from 1 in order of first appearance. */
  constructor(labels: Iterable<string>) {
    for (const label of labels) {
      if (!this.idByLabel.has(label)) {
        this.idByLabel.set(label, this.idByLabel.size + 1);
      }
    }
  }

  /** Number of ids, the reserved unknown id included. */
  get size(): number {
    return this.idByLabel.size + 1;
  }

  idOf(label: string): number {
    return this.idByLabel.get(label) ?? LabelVocabulary.UNKNOWN;
  }

  /** Returns the labels in id order, from id 1. A new vocabulary built from them gives each label the same id. */
  labels(): string[] {
    return [...this.idByLabel.keys()];
  }

  /** Ids of many labels, in order. */
  idsOf(labels: readonly string[]): Int32Array {
    return Int32Array.from(labels, (label) => this.idOf(label));
  }
}
