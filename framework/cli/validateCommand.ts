import { parseArgs } from 'node:util';
import { createRegistry } from '../registry/createRegistry.ts';
import type { CommandIO } from '../run/Logger.ts';
import { loadRecipe } from '../spec/loadRecipe.ts';
import { formatIssue, RecipeError } from '../spec/RecipeError.ts';
import { parseOverrides } from './parseOverrides.ts';
import { UsageError } from './UsageError.ts';

export const VALIDATE_HELP = `Usage: experiment validate RECIPE.yaml... [--set PATH=VALUE]...

Checks recipes without running them: YAML syntax, duplicate keys, every
component type and setting (plug-ins included), the references between
stages and models, and cycles. Prints 'FILE: ok' for a valid recipe and one
line per problem otherwise, as FILE:LINE:COLUMN PATH: MESSAGE.
TensorFlow.js is not loaded.

Exit code: 0 when every recipe is valid, 2 when any is not.

Options:
      --set PATH=VALUE  Apply an override to every recipe before checking it,
                        as 'experiment run --set' does (repeatable)
  -h, --help            Show this help
`;

/** `experiment validate`: checks each recipe with a fresh registry and reports all problems of all files. */
export async function validateCommand(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h' }, set: { type: 'string', multiple: true } },
  });
  if (values.help === true) {
    io.stdout.write(VALIDATE_HELP);
    return 0;
  }
  if (positionals.length === 0) {
    throw new UsageError('validate: expected at least one recipe file');
  }

  const overrides = parseOverrides(values.set ?? []);
  let invalid = false;
  for (const file of positionals) {
    try {
      // A fresh registry per file, so one recipe's plug-ins do not leak into the next.
      await loadRecipe(file, { registry: createRegistry(), overrides });
      io.stdout.write(`${file}: ok\n`);
    } catch (error) {
      if (!(error instanceof RecipeError)) {
        throw error;
      }
      invalid = true;
      for (const issue of error.issues) {
        io.stderr.write(`${formatIssue(issue)}\n`);
      }
    }
  }
  return invalid ? 2 : 0;
}
