import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** One line of a tab-separated file with its 1-based line number. */
export interface TsvLine {
  readonly line: number;
  readonly fields: string[];
  readonly text: string;
}

/**
 * Streams the lines of a tab-separated file without loading it whole. Splitting
 * is strict: every tab separates two fields, so empty fields are kept. Blank
 * lines (such as a trailing newline at the end of the file) are skipped, and
 * a Windows line ending is removed before splitting.
 */
export async function* readTsvLines(file: string): AsyncGenerator<TsvLine> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  for await (const raw of lines) {
    line += 1;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.length === 0) {
      continue;
    }
    yield { line, fields: text.split('\t'), text };
  }
}
