import { parseArgs } from 'node:util';
import { createRegistry } from '../registry/createRegistry.ts';
import type { CommandIO } from '../run/Logger.ts';
import { createRenderer, progressLogger, type ProgressMode } from '../progress/createRenderer.ts';
import { readRunSummary } from '../progress/readRunSummary.ts';
import { UsageError } from './UsageError.ts';
import { runRecipe } from '../run/runRecipe.ts';
import { loadRecipe } from '../spec/loadRecipe.ts';
import { OverrideError, parseOverride, type RecipeOverride } from '../spec/parseOverride.ts';

export const RUN_HELP = `Usage: experiment run RECIPE.yaml [--set PATH=VALUE]... [--quiet | --json]

Validates the recipe, runs its stages in dependency order and prints the
evaluation metrics. Every run writes a directory under the recipe's
output.directory (default: runs/<recipe name>/<run id>/) with the recipe,
per-step metrics (metrics.jsonl), final metrics (metrics.json), the log and
the trained models in Hugging Face layout.

Progress: on a terminal, each stage shows a bar with step/total, steps per
second, ETA and the current loss. When stdout is not a terminal (a pipe, a
file, CI), steps are printed as plain lines, at most one per 10 seconds per
stage plus the first and last step. A summary ends the run: stages and
their times, final metrics, the run directory and the MLflow run.

Options:
      --set PATH=VALUE  Override one recipe value after 'extends' is merged; VALUE
               is parsed as YAML and validated like the file (repeatable)
  -q, --quiet  Print only warnings, errors and the run directory at the end
      --json   Print one JSON object per event and line (run-start, stage-start,
               step, stage-end, log, run-end, summary); times in ms since the epoch
  -h, --help   Show this help

Examples:
  experiment run experiments/quickstart.yaml
  experiment run experiments/quickstart.yaml --json > events.jsonl
  experiment run experiments/quickstart.yaml --quiet
  experiment run experiments/plm-nr.yaml --set stages.fine-tune.optimizer.learningRate=2e-5
`;

/** `experiment run`: loads, validates and runs a recipe. Spec errors propagate as RecipeError (exit code 2). */
export async function runCommand(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      quiet: { type: 'boolean', short: 'q' },
      json: { type: 'boolean' },
      set: { type: 'string', multiple: true },
    },
  });
  if (values.help === true) {
    io.stdout.write(RUN_HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    io.stderr.write(`experiment run: expected one recipe file, got ${positionals.length}\n\n${RUN_HELP}`);
    return 2;
  }
  if (values.quiet === true && values.json === true) {
    throw new UsageError('run: --quiet and --json exclude each other');
  }
  const registry = createRegistry();
  const overrides = parseOverrides(values.set ?? []);
  const loaded = await loadRecipe(positionals[0] as string, { registry, overrides });
  let mode: ProgressMode = 'auto';
  if (values.json === true) mode = 'json';
  if (values.quiet === true) mode = 'quiet';
  const progress = createRenderer(mode, io);
  const result = await runRecipe(loaded, registry, progressLogger(progress), progress);
  progress.emit({ event: 'summary', time: Date.now(), ...readRunSummary(result.directory, result.metrics) });
  return 0;
}

/** Parses the `--set` flags; a malformed one is a usage error naming the flag. */
export function parseOverrides(flags: readonly string[]): RecipeOverride[] {
  return flags.map((flag) => {
    try {
      return parseOverride(flag);
    } catch (error) {
      throw error instanceof OverrideError ? new UsageError(error.message) : error;
    }
  });
}
