import { readNews, type NewsRecord } from './readNews.ts';

/**
 * The news articles of a dataset, the union of the `news.tsv` files of all its
 * splits, stored column-wise. Each article has a dense index (0..size-1) used
 * by samples and batches; the first file that lists an id defines its row.
 */
export class NewsCorpus {
  readonly ids: string[] = [];
  readonly categories: string[] = [];
  readonly subcategories: string[] = [];
  readonly titles: string[] = [];
  /** Empty strings for articles without an abstract. */
  readonly abstracts: string[] = [];
  private readonly indexById = new Map<string, number>();

  /** Reads one or more `news.tsv` files in order, skipping ids already read. */
  static async read(files: readonly string[]): Promise<NewsCorpus> {
    const corpus = new NewsCorpus();
    for (const file of files) {
      for await (const record of readNews(file)) {
        corpus.add(record);
      }
    }
    return corpus;
  }

  get size(): number {
    return this.ids.length;
  }

  /** Adds an article unless its id is already present; returns its index either way. */
  add(record: NewsRecord): number {
    const existing = this.indexById.get(record.id);
    if (existing !== undefined) {
      return existing;
    }
    const index = this.ids.length;
    this.indexById.set(record.id, index);
    this.ids.push(record.id);
    this.categories.push(record.category);
    this.subcategories.push(record.subcategory);
    this.titles.push(record.title);
    this.abstracts.push(record.abstract);
    return index;
  }

  has(id: string): boolean {
    return this.indexById.has(id);
  }

  /** Looks up the dense index of a news id; undefined when the corpus lacks it. */
  indexOf(id: string): number | undefined {
    return this.indexById.get(id);
  }

  /** Looks up the dense index of a news id and raises an error naming the id when it is missing. */
  requireIndex(id: string): number {
    const index = this.indexById.get(id);
    if (index === undefined) {
      throw new Error(`news id '${id}' is not in any news.tsv of the dataset`);
    }
    return index;
  }
}
