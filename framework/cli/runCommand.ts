import { parseArgs } from 'node:util';
import { createRegistry } from '../registry/createRegistry.ts';
import type { CommandIO } from '../run/Logger.ts';
import { streamLogger } from '../run/Logger.ts';
import { formatMetricsTable } from '../run/formatMetricsTable.ts';
import { runRecipe } from '../run/runRecipe.ts';
import { loadRecipe } from '../spec/loadRecipe.ts';

export const RUN_HELP = `Usage: experiment run RECIPE.yaml

Validates the recipe, runs its stages in dependency order and prints the
evaluation metrics. Every run writes a directory under the recipe's
output.directory (default: runs/<recipe name>/<run id>/) with the recipe,
per-step metrics (metrics.jsonl), final metrics (metrics.json), the log and
the trained models in Hugging Face layout.

Options:
  -h, --help   Show this help

Example:
  experiment run experiments/quickstart.yaml
`;

/** `experiment run`: loads, validates and runs a recipe. Spec errors propagate as RecipeError (exit code 2). */
export async function runCommand(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h' } },
  });
  if (values.help === true) {
    io.stdout.write(RUN_HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    io.stderr.write(`experiment run: expected one recipe file, got ${positionals.length}\n\n${RUN_HELP}`);
    return 2;
  }
  const registry = createRegistry();
  const loaded = await loadRecipe(positionals[0] as string, { registry });
  const log = streamLogger(io);
  const result = await runRecipe(loaded, registry, log);
  if (Object.keys(result.metrics).length > 0) {
    io.stdout.write(`\n${formatMetricsTable(result.metrics)}\n`);
  }
  io.stdout.write(`\nrun directory: ${result.directory}\n`);
  return 0;
}
