// Writes schema/recipe.schema.json, the recipe schema composed from the
// built-in components. Run it with `npm run schema:write` after changing a
// component's settings; a test fails while the committed file is out of date.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderRecipeSchema } from '../framework/cli/schemaCommand.ts';

const target = fileURLToPath(new URL('../schema/recipe.schema.json', import.meta.url));
await writeFile(target, renderRecipeSchema());
console.log(`wrote ${target}`);
