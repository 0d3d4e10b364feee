/**
 * Assigns batch-local positions to corpus indices, in first-seen order, so a
 * batch can encode each distinct news article once and gather the vectors.
 */
export class NewsIndexer {
  readonly news: number[] = [];
  private readonly positions = new Map<number, number>();

  /** Returns the batch-local position of a corpus index, adding it when new. */
  position(corpusIndex: number): number {
    let position = this.positions.get(corpusIndex);
    if (position === undefined) {
      position = this.news.length;
      this.positions.set(corpusIndex, position);
      this.news.push(corpusIndex);
    }
    return position;
  }
}
