import { MindFormatError } from './MindFormatError.ts';
import { readTsvLines } from './readTsvLines.ts';

/** One row of a MIND `news.tsv`. Entity columns are kept as the raw JSON text. */
export interface NewsRecord {
  readonly id: string;
  readonly category: string;
  readonly subcategory: string;
  readonly title: string;
  /** Empty for articles without an abstract (MIND has some). */
  readonly abstract: string;
  readonly url: string;
  readonly titleEntities: string;
  readonly abstractEntities: string;
}

/** Columns of `news.tsv` in file order, as named in the MIND documentation. */
export const NEWS_FIELDS = [
  'news id',
  'category',
  'subcategory',
  'title',
  'abstract',
  'url',
  'title entities',
  'abstract entities',
] as const;

/**
 * Streams the rows of a MIND `news.tsv`. Raises MindFormatError on a row that
 * does not have exactly eight tab-separated fields or has an empty news id.
 */
export async function* readNews(file: string): AsyncGenerator<NewsRecord> {
  for await (const { line, fields, text } of readTsvLines(file)) {
    if (fields.length !== NEWS_FIELDS.length) {
      throw new MindFormatError(file, line, 'row', text, `must have ${NEWS_FIELDS.length} tab-separated fields, has ${fields.length}`);
    }
    const [id, category, subcategory, title, abstract, url, titleEntities, abstractEntities] = fields as [
      string, string, string, string, string, string, string, string,
    ];
    if (id.trim().length === 0) {
      throw new MindFormatError(file, line, 'news id', id, 'must not be empty');
    }
    yield { id, category, subcategory, title, abstract, url, titleEntities, abstractEntities };
  }
}
