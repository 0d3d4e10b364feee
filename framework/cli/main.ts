import type { CommandIO } from '../run/Logger.ts';
import { reportFailure } from './reportFailure.ts';
import { UsageError } from './UsageError.ts';

export const MAIN_HELP = `Usage: experiment COMMAND [options]

Declare news-recommendation experiments as YAML recipes and run them.

Commands:
  run RECIPE.yaml            Validate a recipe, run its stages and print the metrics
  sweep RECIPE.yaml --grid PATH=VALUES...
                             Run a recipe once per combination of values and compare a metric
  validate RECIPE.yaml...    Check recipes without running them (exit code 2 on errors)
  components [--json]        List the registered components and their settings
  schema [--out FILE]        Print the JSON Schema of recipes
  runs [DIR]                 List local runs with status and key metrics
  sync RUN_DIR               Upload a local run to an MLflow server
  predict --model DIR --data SPLIT_DIR --out FILE
                             Write MIND leaderboard predictions of a saved model
  report RUN_DIR             Write a run's report.html and PNG figures again
  compare RUN_DIR...         Print differing settings and the metrics of runs side by side
  cache ls|prune             List or remove stage cache entries
  init [FILE]                Write a commented starter recipe (default: recipe.yaml)

Run 'experiment COMMAND --help' for the options of a command.

Examples:
  experiment init my-study.yaml && experiment run my-study.yaml
  experiment run experiments/quickstart.yaml --json > events.jsonl
  experiment report runs/quickstart/RUN_ID
  experiment predict --model runs/quickstart/RUN_ID/stages/distill-fine-tune/student \\
    --data /data/MINDsmall_dev --out prediction.txt --zip
`;

type Command = (args: string[], io: CommandIO) => Promise<number>;

// Each command module is imported when it runs, so that `validate` and
// `components` never load what `run` needs (TensorFlow.js).
const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./runCommand.ts')).runCommand,
  sweep: async () => (await import('./sweepCommand.ts')).sweepCommand,
  validate: async () => (await import('./validateCommand.ts')).validateCommand,
  components: async () => (await import('./componentsCommand.ts')).componentsCommand,
  schema: async () => (await import('./schemaCommand.ts')).schemaCommand,
  runs: async () => (await import('./runsCommand.ts')).runsCommand,
  sync: async () => (await import('./syncCommand.ts')).syncCommand,
  predict: async () => (await import('./predictCommand.ts')).predictCommand,
  report: async () => (await import('./reportCommand.ts')).reportCommand,
  compare: async () => (await import('./compareCommand.ts')).compareCommand,
  cache: async () => (await import('./cacheCommand.ts')).cacheCommand,
  init: async () => (await import('./initCommand.ts')).initCommand,
};

/**
 * Runs the `experiment` command line and returns the exit code: 0 on
 * success, 2 for a bad recipe or command line, 1 for a crash.
 */
export async function main(args: string[], io: CommandIO = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  try {
    const [name, ...rest] = args;
    if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
      io.stdout.write(MAIN_HELP);
      return name === undefined ? 2 : 0;
    }
    const load = COMMANDS[name];
    if (load === undefined) {
      throw new UsageError(`unknown command '${name}'; commands: ${Object.keys(COMMANDS).join(', ')}`);
    }
    const command = await load();
    return await command(rest, io);
  } catch (error) {
    return reportFailure(asUsageError(error), io);
  }
}

/** parseArgs rejects unknown options with a TypeError carrying an ERR_PARSE_ARGS_* code; those are usage errors. */
function asUsageError(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) {
    return new UsageError((error as Error).message);
  }
  return error;
}

