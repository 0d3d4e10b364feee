/**
 * A malformed row of a MIND-format file. The message names the file, the
 * 1-based line number, the field and the offending value, so a user can open
 * the file at that line and fix it.
 */
export class MindFormatError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly field: string,
    readonly value: string,
    problem: string,
  ) {
    super(`${file}:${line}: ${field} ${problem}, got ${JSON.stringify(abbreviate(value))}`);
    this.name = 'MindFormatError';
  }
}

/** Keeps messages readable when a whole long row is the bad value. */
function abbreviate(value: string): string {
  return value.length > 120 ? `${value.slice(0, 117)}...` : value;
}
