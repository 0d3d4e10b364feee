/**
 * An error that the user fixes in their input or files (a missing data file,
 * a damaged checkpoint, a loss that became NaN), not a bug. The command line
 * prints its message as one line without a stack trace, and prints the
 * stack only when NEWSREC_DEBUG=1.
 */
export class UserError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UserError';
  }
}
