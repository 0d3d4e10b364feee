/** A wrong command line (unknown command or option, missing argument): exit code 2 with the message and no stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
