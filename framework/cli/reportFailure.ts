import type { CommandIO } from '../run/Logger.ts';
import { formatIssue, RecipeError } from '../spec/RecipeError.ts';
import { UsageError } from './UsageError.ts';

/**
 * Prints an error that ended a command and returns the exit code. User
 * mistakes (a bad recipe or command line) give a short message and code 2;
 * anything else is a crash and prints each error of the cause chain with
 * its stack, code 1.
 */
export function reportFailure(error: unknown, io: CommandIO): number {
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
