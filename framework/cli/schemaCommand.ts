import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { composeSchema } from '../registry/composeSchema.ts';
import { createRegistry } from '../registry/createRegistry.ts';
import type { Registry } from '../registry/Registry.ts';
import type { CommandIO } from '../run/Logger.ts';
import { loadRecipePlugins } from '../spec/loadRecipePlugins.ts';

export const SCHEMA_HELP = `Usage: experiment schema [--out FILE] [--recipe FILE]

Prints the JSON Schema of recipes, composed from the built-in components
and, with --recipe, the components of that recipe's plug-ins.
Editors that read JSON Schema (for example through a
'# yaml-language-server: $schema=...' comment) then complete and check
recipes as you type.

Options:
  -o, --out FILE      Write the schema to FILE instead of standard output
  --recipe FILE       Include the components that the recipe's plug-ins register
  -h, --help          Show this help
`;

/** `experiment schema`: prints or writes the composed recipe schema. */
export async function schemaCommand(args: string[], io: CommandIO): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { help: { type: 'boolean', short: 'h' }, out: { type: 'string', short: 'o' }, recipe: { type: 'string' } },
  });
  if (values.help === true) {
    io.stdout.write(SCHEMA_HELP);
    return 0;
  }
  const registry = createRegistry();
  if (values.recipe !== undefined) {
    await loadRecipePlugins(values.recipe, registry);
  }
  const text = renderRecipeSchema(registry);
  if (values.out === undefined) {
    io.stdout.write(text);
  } else {
    await writeFile(values.out, text);
    io.stdout.write(`wrote ${values.out}\n`);
  }
  return 0;
}

/** Renders the schema of a registry's components (default: the built-ins, as in `schema/recipe.schema.json`). */
export function renderRecipeSchema(registry: Registry = createRegistry()): string {
  return `${JSON.stringify(composeSchema(registry).schema, null, 2)}\n`;
}
