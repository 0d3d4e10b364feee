import { parseArgs } from 'node:util';
import { createRenderer, progressLogger } from '../progress/createRenderer.ts';
import { createRegistry } from '../registry/createRegistry.ts';
import { streamLogger, type CommandIO } from '../run/Logger.ts';
import { OverrideError } from '../spec/parseOverride.ts';
import { parseSweepParameter } from '../sweep/parseSweepParameter.ts';
import type { SweepParameter } from '../sweep/SweepParameter.ts';
import { parseOverrides } from './parseOverrides.ts';
import { UsageError } from './UsageError.ts';

export const SWEEP_HELP = `Usage: experiment sweep RECIPE.yaml (--grid PATH=VALUES | --random PATH=DIST)... [options]

Runs the recipe once per combination of swept values, each as its own run
(run directory, tracker run), and prints a table of the chosen metric. A
trial whose value is invalid, that crashes or whose metric is not a number
is recorded as FAILED and the other trials still run. The table and the
trials are written to <output>/<recipe>/sweeps/<sweep id>/sweep.json and
sweep.md. With the mlflow tracker, one MLflow run for the sweep groups the
trials' runs (tag mlflow.parentRunId).

Ctrl-C (SIGINT) or SIGTERM stops the running trial as KILLED, a training
stage after its current step with a checkpoint. The trials not yet started
are recorded as SKIPPED. The table and summary files are still written, the
MLflow sweep run ends as KILLED, and the output shows the
'experiment run --resume RUN_DIR' command that continues the killed trial.
A second Ctrl-C exits at once.

Options:
      --grid PATH=VALUES   Try each value; several --grid flags give their Cartesian product, the
                           last flag changing fastest. VALUES is a YAML flow list without its
                           brackets: 1,2,4 is three numbers, 'a,b',c two strings, [1,2],[3,4] two lists
      --random PATH=DIST   Draw the value from uniform(LOW,HIGH), loguniform(LOW,HIGH),
                           int(LOW,HIGH) (both ends included) or choice(A,B,...)
      --trials N           Draws of the --random values (default: 10); with --grid too,
                           every grid combination runs with each draw
      --seed N             Seed of the --random draws (default: 0); the same seed gives the same trials
      --set PATH=VALUE     Fixed override for every trial, as in 'experiment run' (repeatable)
      --metric STAGE.metrics.MODEL.NAME
                           Metric to compare, such as evaluate.metrics.fine-tune.models[0].nDCG@10
                           (default: AUC of the first model of the first evaluate stage);
                           STAGE.metrics.NAME takes the stage's first model. MODEL must be a model
                           the stage evaluates and NAME one of AUC, MRR, nDCG@5, nDCG@10; both are
                           checked before any trial runs
      --direction max|min  Whether a larger or a smaller metric is better (default: max)
      --dry-run            Print the trials, each checked like the recipe, without running them
  -q, --quiet              Print only warnings, errors, the trial lines and the table
  -h, --help               Show this help

Exit code: 0 when at least one trial finished, 1 when every trial failed,
2 for invalid flags or when no trial has a valid recipe, 130 after Ctrl-C
(143 after SIGTERM).

Quote a value with brackets, parentheses or spaces, as the examples do,
because the shell gives them a meaning of its own.

Examples:
  experiment sweep experiments/tiny-newsrec.yaml --grid stages.distill-fine-tune.temperature=1,2,4
  experiment sweep experiments/nrms.yaml --random 'stages.fine-tune.optimizer.learningRate=loguniform(1e-5,1e-3)' \\
    --trials 8 --seed 1 --metric 'evaluate.metrics.fine-tune.models[0].nDCG@10'
  experiment sweep experiments/naml.yaml --grid 'models.naml.newsEncoder.wordEmbedding={size: 100},{size: 300}' --dry-run
`;

/** `experiment sweep`: runs a recipe over a grid or random sample of values. */
export async function sweepCommand(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals, tokens } = parseArgs({
    args,
    allowPositionals: true,
    tokens: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      grid: { type: 'string', multiple: true },
      random: { type: 'string', multiple: true },
      trials: { type: 'string' },
      seed: { type: 'string' },
      set: { type: 'string', multiple: true },
      metric: { type: 'string' },
      direction: { type: 'string' },
      'dry-run': { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
    },
  });
  if (values.help === true) {
    io.stdout.write(SWEEP_HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError(`sweep: expected one recipe file, got ${positionals.length}; see 'experiment sweep --help'`);
  }

  // Flags in command-line order, so that grid products follow the order the user wrote.
  const parameters: SweepParameter[] = [];
  for (const token of tokens) {
    if (token.kind !== 'option' || (token.name !== 'grid' && token.name !== 'random') || token.value === undefined) continue;
    try {
      parameters.push(parseSweepParameter(token.name, token.value));
    } catch (error) {
      throw error instanceof OverrideError ? new UsageError(error.message) : error;
    }
  }
  if (parameters.length === 0) {
    throw new UsageError("sweep: nothing to sweep; give at least one --grid PATH=VALUES or --random PATH=DIST");
  }
  const hasRandom = parameters.some((parameter) => parameter.kind === 'random');
  if (!hasRandom && values.trials !== undefined) {
    throw new UsageError('--trials: only --random values are drawn; a --grid sweep runs every combination once');
  }
  const direction = values.direction ?? 'max';
  if (direction !== 'max' && direction !== 'min') {
    throw new UsageError(`--direction: expected max or min, got '${direction}'`);
  }

  const quiet = values.quiet === true;
  const log = streamLogger(io);
  const { runSweep } = await import('../sweep/runSweep.ts');
  const result = await runSweep({
    recipeFile: positionals[0] as string,
    registry: createRegistry(),
    overrides: parseOverrides(values.set ?? []),
    parameters,
    random: { trials: integerOption(values.trials, '--trials', 10, 1), seed: integerOption(values.seed, '--seed', 0, 0) },
    ...(values.metric === undefined ? {} : { metric: values.metric }),
    direction,
    flags: args.filter((arg) => arg !== positionals[0]),
    log,
    print: (text) => io.stdout.write(text),
    progress: () => {
      const reporter = createRenderer(quiet ? 'quiet' : 'auto', io);
      return { reporter, log: progressLogger(reporter) };
    },
    dryRun: values['dry-run'] === true,
  });
  if (result.interruptedBy !== undefined) return result.interruptedBy === 'SIGINT' ? 130 : 143;
  const finished = result.summary.trials.some((trial) => trial.status === 'FINISHED');
  return finished || result.directory === undefined ? 0 : 1;
}

function integerOption(text: string | undefined, name: string, fallback: number, minimum: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < minimum) {
    throw new UsageError(`${name}: expected an integer >= ${minimum}, got '${text}'`);
  }
  return value;
}
