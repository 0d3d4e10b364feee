import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { RunRecord } from '../run/RunDirectory.ts';
import { createRegistry } from '../registry/createRegistry.ts';
import type { CommandIO } from '../run/Logger.ts';
import { createRenderer, progressLogger, type ProgressMode } from '../progress/createRenderer.ts';
import { readRunSummary } from '../progress/readRunSummary.ts';
import { UsageError } from './UsageError.ts';
import { runRecipe } from '../run/runRecipe.ts';
import { loadRecipe } from '../spec/loadRecipe.ts';
import type { LoadedRecipe, Recipe } from '../spec/Recipe.ts';
import { validateRecipe } from '../spec/validateRecipe.ts';
import type { Registry } from '../registry/Registry.ts';
import { formatRecipeChanges, recipeChanges } from '../run/recipeChanges.ts';
import { parseOverrides } from './parseOverrides.ts';

export const RUN_HELP = `Usage: experiment run RECIPE.yaml [--set PATH=VALUE]... [--force STAGE]... [--no-cache]
                      [--cache-dir DIR] [--quiet | --json]
       experiment run --resume RUN_DIR [--force STAGE]... [--no-cache] [--cache-dir DIR]
                      [--quiet | --json]

Validates the recipe, runs its stages in dependency order and prints the
evaluation metrics. Every run writes a directory under the recipe's
output.directory (default: runs/<recipe name>/<run id>/) with the recipe,
per-step metrics (metrics.jsonl), final metrics (metrics.json), the log and
the trained models in Hugging Face layout.

Stage cache: the outputs of every stage are stored under a key made of its
settings, its inputs, the data files (path, size, modification time), the
seed, the backend and the code. A stage whose key is unchanged is reused and
the log says "cached". The cache is in NEWSREC_CACHE_DIR, else
<output.directory>/.stage-cache; 'experiment cache ls|prune' manages it.

Resume: training stages write a checkpoint every checkpointEvery steps and
when Ctrl-C is pressed once (twice exits at once). --resume continues a
stopped run in its own directory with the settings recorded there
(recipe.resolved.json, the --set flags and the cache setting): finished
stages come from the cache and the interrupted stage continues from its
checkpoint. Changes to the recipe file since the run started are listed and
ignored; start a new run to use them.

Progress: on a terminal, each stage shows a bar with step/total, steps per
second, ETA and the current loss. When stdout is not a terminal (a pipe, a
file, CI), steps are printed as plain lines, at most one per 10 seconds per
stage plus the first and last step. A summary ends the run: stages and
their times, final metrics, the run directory and the MLflow run.

Options:
      --set PATH=VALUE  Override one recipe value after 'extends' is merged; VALUE
               is parsed as YAML and validated like the file (repeatable)
      --resume RUN_DIR  Continue a killed, failed or interrupted run in RUN_DIR with
               the recipe settings, --set flags and cache setting it was
               started with (--no-cache and --cache-dir replace the latter)
      --force STAGE  Run STAGE, and every stage that reads its outputs, even when
               the cache has them (repeatable)
      --no-cache     Neither reuse nor store stage outputs
      --cache-dir DIR  Stage cache directory (default: NEWSREC_CACHE_DIR, else
               <output.directory>/.stage-cache)
  -q, --quiet  Print only warnings, errors and the run directory at the end
      --json   Print one JSON object per event and line (run-start, stage-start,
               step, stage-end, log, run-end, summary); times in ms since the epoch
  -h, --help   Show this help

Examples:
  experiment run experiments/quickstart.yaml
  experiment run experiments/quickstart.yaml --json > events.jsonl
  experiment run experiments/quickstart.yaml --quiet
  experiment run experiments/plm-nr.yaml --set stages.fine-tune.optimizer.learningRate=2e-5
  experiment run experiments/quickstart.yaml --force evaluate
  experiment run --resume runs/quickstart/20260101-120000Z-a1b2c3
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
      resume: { type: 'string' },
      force: { type: 'string', multiple: true },
      'no-cache': { type: 'boolean' },
      'cache-dir': { type: 'string' },
    },
  });
  if (values.help === true) {
    io.stdout.write(RUN_HELP);
    return 0;
  }
  const resume = values.resume;
  const expected = resume === undefined ? 1 : 0;
  if (positionals.length !== expected) {
    const what = resume === undefined ? 'one recipe file' : 'no recipe file with --resume (the run directory names it)';
    io.stderr.write(`experiment run: expected ${what}, got ${positionals.length}\n\n${RUN_HELP}`);
    return 2;
  }
  if (values.quiet === true && values.json === true) {
    throw new UsageError('run: --quiet and --json exclude each other');
  }
  if (resume !== undefined && values.set !== undefined) {
    throw new UsageError('run: --set cannot be combined with --resume; the run continues with the flags it was started with');
  }
  const registry = createRegistry();
  const record = resume === undefined ? undefined : readResumableRecord(resume);
  const invocation = record === undefined ? { file: positionals[0] as string, flags: values.set ?? [] } : { file: record.recipeFile, flags: record.overrides ?? [] };
  const overrides = parseOverrides(invocation.flags);
  let loaded = await loadRecipe(invocation.file, { registry, overrides });
  const resumeWarnings: string[] = [];
  if (resume !== undefined) {
    loaded = recordedRecipe(resume, loaded, registry, resumeWarnings);
  }
  const force = values.force ?? [];
  for (const stage of force) {
    if (loaded.recipe.stages[stage] === undefined) {
      throw new UsageError(`run: --force ${stage}: no such stage; the recipe's stages are ${Object.keys(loaded.recipe.stages).join(', ')}`);
    }
  }
  let mode: ProgressMode = 'auto';
  if (values.json === true) mode = 'json';
  if (values.quiet === true) mode = 'quiet';
  const progress = createRenderer(mode, io);
  // A resumed run keeps the cache setting it was started with; --no-cache or --cache-dir given now replace it.
  const cacheDirectory = values['cache-dir'] ?? record?.cache?.directory;
  const cache = values['no-cache'] !== true && (values['cache-dir'] !== undefined || record?.cache?.enabled !== false);
  const result = await runRecipe(loaded, registry, progressLogger(progress), progress, {
    ...(resume === undefined ? {} : { resume: resolve(resume) }),
    cache,
    ...(cacheDirectory === undefined ? {} : { cacheDirectory }),
    force,
    overrides: invocation.flags,
    resumeWarnings,
  });
  progress.emit({ event: 'summary', time: Date.now(), ...readRunSummary(result.directory, result.metrics) });
  return 0;
}

/** Reads run.json of a run to resume: the recipe file, --set flags and cache setting it was started with. */
function readResumableRecord(directory: string): RunRecord {
  const recordPath = join(directory, 'run.json');
  if (!existsSync(recordPath)) {
    throw new UsageError(`run: --resume ${directory}: not a run directory (${recordPath} not found)`);
  }
  const record = JSON.parse(readFileSync(recordPath, 'utf8')) as RunRecord;
  if (record.status === 'FINISHED') {
    throw new UsageError(`run: --resume ${directory}: the run finished at ${record.endedAt ?? 'an unknown time'}; there is nothing to resume`);
  }
  if (!existsSync(record.recipeFile)) {
    throw new UsageError(`run: --resume ${directory}: the recipe ${record.recipeFile} that started the run no longer exists`);
  }
  return record;
}

/**
 * Returns the recipe a resumed run continues with: the settings recorded in
 * its recipe.resolved.json. When the recipe file changed since the run
 * started, the changes are ignored and listed in `warnings`, so the resumed
 * stage trains with the settings of its checkpoint. output.directory is not
 * compared, because it depends on the working directory and does not change results.
 */
function recordedRecipe(directory: string, current: LoadedRecipe, registry: Registry, warnings: string[]): LoadedRecipe {
  const recordedPath = join(directory, 'recipe.resolved.json');
  if (!existsSync(recordedPath)) {
    throw new UsageError(`run: --resume ${directory}: ${recordedPath} not found, so the settings the run started with are unknown; start a new run with: experiment run ${current.file}`);
  }
  const recorded = JSON.parse(readFileSync(recordedPath, 'utf8')) as Recipe;
  const now = JSON.parse(JSON.stringify(current.recipe)) as Recipe;
  const changes = recipeChanges({ ...recorded, outputDirectory: undefined }, { ...now, outputDirectory: undefined });
  if (changes.length === 0) return current;

  const startNew = `to train with the new settings, start a new run: experiment run ${current.file}`;
  const { outputDirectory, ...rest } = recorded;
  const validation = validateRecipe({ ...rest, output: { directory: outputDirectory } }, registry);
  if (validation.issues.length > 0) {
    const problems = validation.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new UsageError(
      `run: --resume ${directory}: the recipe changed since the run started (${formatRecipeChanges(changes)}), and the recorded recipe is no longer valid (${problems}); ${startNew}`,
    );
  }
  warnings.push(`the recipe changed since the run started; resuming with the recorded settings and ignoring: ${formatRecipeChanges(changes)}; ${startNew}`);
  return { ...current, recipe: { ...recorded, outputDirectory: current.recipe.outputDirectory }, stageOrder: validation.stageOrder };
}

