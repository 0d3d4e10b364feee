import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { composeSchema } from '../registry/composeSchema.ts';
import { createRegistry } from '../registry/createRegistry.ts';
import type { CommandIO } from '../run/Logger.ts';

export const SCHEMA_HELP = `Usage: experiment schema [--out FILE]

Prints the JSON Schema of recipes, composed from the built-in components.
Editors that read JSON Schema (for example through a
'# yaml-language-server: $schema=...' comment) then complete and check
recipes as you type.

Options:
  -o, --out FILE   Write the schema to FILE instead of standard output
  -h, --help       Show this help
`;

/** `experiment schema`: prints or writes the composed recipe schema. */
export async function schemaCommand(args: string[], io: CommandIO): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { help: { type: 'boolean', short: 'h' }, out: { type: 'string', short: 'o' } },
  });
  if (values.help === true) {
    io.stdout.write(SCHEMA_HELP);
    return 0;
  }
  const text = renderRecipeSchema();
  if (values.out === undefined) {
    io.stdout.write(text);
  } else {
    await writeFile(values.out, text);
    io.stdout.write(`wrote ${values.out}\n`);
  }
  return 0;
}

/** Renders the schema of the built-in components as the text of `schema/recipe.schema.json`. */
export function renderRecipeSchema(): string {
  return `${JSON.stringify(composeSchema(createRegistry()).schema, null, 2)}\n`;
}
