import type { CommandIO } from '../run/Logger.ts';
import { formatIssue, RecipeError } from '../spec/RecipeError.ts';
import { UsageError } from './UsageError.ts';
import { UserError } from '../run/UserError.ts';

/**
 * Prints an error that ended a command and returns the exit code. User
 * mistakes (a bad recipe or command line) give a short message and code 2.
 * A UserError (bad data, a damaged checkpoint, a NaN loss) gives its message
 * without a stack trace and code 1. Anything else is a crash and prints each
 * error of the cause chain with its stack, code 1. NEWSREC_DEBUG=1 adds the
 * stacks to user errors too.
 */
export function reportFailure(error: unknown, io: CommandIO, env: NodeJS.ProcessEnv = process.env): number {
  if (error instanceof RecipeError) {
    for (const issue of error.issues) {
      io.stderr.write(`${formatIssue(issue)}\n`);
    }
    return 2;
  }
  if (error instanceof UsageError) {
    io.stderr.write(`experiment: ${error.message}\nRun 'experiment --help' for usage.\n`);
    return 2;
  }
  if (error instanceof UserError && env.NEWSREC_DEBUG !== '1') {
    io.stderr.write(`experiment: ${error.message}\n`);
    return 1;
  }
  let current: unknown = error;
  let prefix = '';
  while (current !== undefined) {
    const text = current instanceof Error ? (current.stack ?? `${current.name}: ${current.message}`) : String(current);
    io.stderr.write(`${prefix}${text}\n`);
    current = current instanceof Error ? current.cause : undefined;
    prefix = 'Caused by: ';
  }
  return 1;
}
