import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../cli/UsageError.ts';
import type { ProgressReporter } from '../progress/ProgressEvent.ts';
import type { Registry } from '../registry/Registry.ts';
import type { Logger } from '../run/Logger.ts';
import { runRecipe } from '../run/runRecipe.ts';
import { loadRecipe } from '../spec/loadRecipe.ts';
import type { RecipeOverride } from '../spec/parseOverride.ts';
import type { LoadedRecipe } from '../spec/Recipe.ts';
import { formatIssue, RecipeError, type SpecIssue } from '../spec/RecipeError.ts';
import { formatSpecPath } from '../spec/SpecPath.ts';
import { expandTrials, formatValue, type RandomSearch, type Trial } from './expandTrials.ts';
import type { MlflowRunStatus } from '../tracking/MlflowEntities.ts';
import { MlflowSweepRun } from './MlflowSweepRun.ts';
import { parseSweepMetric, readMetric } from './SweepMetric.ts';
import type { SweepParameter } from './SweepParameter.ts';
import { bestTrial, formatSweepTable, writeSweepSummary, type SweepSummary, type TrialRecord } from './SweepSummary.ts';

export interface SweepOptions {
  readonly recipeFile: string;
  readonly registry: Registry;
  /** `--set` flags, applied to every trial before its swept values. */
  readonly overrides: readonly RecipeOverride[];
  readonly parameters: readonly SweepParameter[];
  readonly random: RandomSearch;
  /** `--metric` as given, or undefined for the first evaluate stage's first model's AUC. */
  readonly metric?: string;
  readonly direction: 'max' | 'min';
  /** Every flag of the command line, for the summary and the MLflow params. */
  readonly flags: readonly string[];
  /** Logger for the sweep's own messages and warnings. */
  readonly log: Logger;
  /** Writes the trial list of a dry run and the closing table. */
  readonly print: (text: string) => void;
  /** A fresh progress display for each trial. */
  readonly progress: () => { reporter: ProgressReporter; log: Logger };
  /** Prints the trials without running them. */
  readonly dryRun: boolean;
}

/** Outcome of a sweep: its directory and summary. */
export interface SweepResult {
  /** Absent after a dry run. */
  readonly directory?: string;
  readonly summary: SweepSummary;
  /** Signal (Ctrl-C is SIGINT) that stopped the sweep before its last trial ended. */
  readonly interruptedBy?: NodeJS.Signals;
}

/** A trial with its recipe, or with the problems that keep it from running. */
type PreparedTrial = Trial & ({ readonly loaded: LoadedRecipe } | { readonly issues: readonly SpecIssue[] });

/**
 * Runs every trial of a sweep as its own run, one after another, through
 * runRecipe. Trials are validated before the first one starts: when no
 * trial is valid the sweep stops with a RecipeError naming the flags.
 * A trial with an invalid value, a crash or a non-finite metric is recorded
 * as FAILED and the others still run. `sweep.json` and `sweep.md` in
 * `<output>/<recipe>/sweeps/<sweep id>/` are rewritten after every trial.
 * The first SIGINT or SIGTERM stops the running trial as KILLED (resumable
 * with `experiment run --resume`), marks the trials not yet started as
 * SKIPPED, and still writes and prints the summary. A second signal ends the
 * process at once.
 */
export async function runSweep(options: SweepOptions): Promise<SweepResult> {
  const { registry, log } = options;
  const base = await loadRecipe(options.recipeFile, { registry, overrides: options.overrides });
  checkPaths(options.parameters, options.overrides);
  const metric = parseSweepMetric(options.metric, base.recipe, base.stageOrder, registry);

  const trials = expandTrials(options.parameters, options.random);
  const prepared: PreparedTrial[] = [];
  for (const trial of trials) {
    try {
      const loaded = await loadRecipe(options.recipeFile, { registry, overrides: [...options.overrides, ...trial.overrides] });
      prepared.push({ ...trial, loaded });
    } catch (error) {
      if (!(error instanceof RecipeError)) throw error;
      prepared.push({ ...trial, issues: error.issues });
    }
  }
  if (prepared.every((trial) => 'issues' in trial)) {
    throw new RecipeError(uniqueIssues(prepared.flatMap((trial) => ('issues' in trial ? trial.issues : []))));
  }

  const sweepId = `${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace('T', '-')}-${randomBytes(3).toString('hex')}`;
  const summary: SweepSummary = {
    sweepId,
    recipe: base.recipe.name,
    recipeFile: base.file,
    flags: options.flags,
    metric: `${metric.stage}.metrics.${metric.model ?? '<first model>'}.${metric.name}`,
    direction: options.direction,
    trials: prepared.map((trial) => ({
      number: trial.number,
      values: Object.fromEntries(trial.overrides.map((override) => [formatSpecPath(override.path), override.value])),
      status: 'issues' in trial ? 'FAILED' : 'PENDING',
      ...('issues' in trial ? { error: trial.issues.map(formatIssue).join('\n') } : {}),
    })),
  };
  if (options.dryRun) {
    options.print(formatDryRun(summary));
    return { summary };
  }

  const directory = join(base.recipe.outputDirectory, base.recipe.name, 'sweeps', sweepId);
  mkdirSync(directory, { recursive: true });
  log.info(`sweep ${sweepId}: ${countTrials(trials.length)}; summary in ${directory}`);
  const mlflow = await MlflowSweepRun.start(base.recipe, sweepId, sweepParams(options, summary), log);
  if (mlflow !== undefined) summary.mlflowRunId = mlflow.runId;
  writeSweepSummary(directory, summary);

  const interruption = watchInterrupts();
  try {
    for (const trial of prepared) {
      if (interruption.signal() !== undefined) break;
      const record = summary.trials[trial.number - 1] as TrialRecord;
      const values = formatValues(record.values);
      if ('issues' in trial) {
        log.warn(`trial ${trial.number}/${trials.length} (${values}) is invalid and does not run:\n${record.error ?? ''}`);
        continue;
      }
      log.info(`trial ${trial.number}/${trials.length}: ${values}`);
      try {
        await runTrial(trial, record, options, metric, mlflow, (key) => (summary.metric = key));
      } finally {
        summary.best = bestTrial(summary.trials, options.direction);
        writeSweepSummary(directory, summary);
      }
    }
  } finally {
    interruption.dispose();
  }
  const interruptedBy = interruption.signal();
  if (interruptedBy !== undefined) {
    for (const record of summary.trials) {
      if (record.status === 'PENDING') record.status = 'SKIPPED';
    }
  }

  options.print(`\nsweep ${sweepId} of ${base.recipe.name}: ${summary.metric}\n${formatSweepTable(summary)}sweep directory: ${directory}\n`);
  if (interruptedBy !== undefined) options.print(describeInterruption(interruptedBy, summary));
  const files = writeSweepSummary(directory, summary);
  const best = summary.trials.find((trial) => trial.number === summary.best);
  const finished = summary.trials.some((trial) => trial.status === 'FINISHED');
  let status: MlflowRunStatus = finished ? 'FINISHED' : 'FAILED';
  if (interruptedBy !== undefined) status = 'KILLED';
  await mlflow?.finish(
    status,
    best?.metric === undefined ? undefined : { key: summary.metric, value: best.metric },
    { 'sweep.json': files.json, 'sweep.md': files.markdown },
  );
  return { directory, summary, ...(interruptedBy === undefined ? {} : { interruptedBy }) };
}

/**
 * Records the first SIGINT or SIGTERM of the sweep. It only notes the signal:
 * runRecipe's own handler stops the running trial. The listener removes itself
 * on the first signal, so that a second one gets the default action and ends
 * the process at once, as it does for `experiment run`.
 */
function watchInterrupts(): { signal: () => NodeJS.Signals | undefined; dispose: () => void } {
  let received: NodeJS.Signals | undefined;
  const dispose = () => {
    process.off('SIGINT', listener);
    process.off('SIGTERM', listener);
  };
  function listener(signal: NodeJS.Signals): void {
    received = signal;
    dispose();
  }
  process.on('SIGINT', listener);
  process.on('SIGTERM', listener);
  return { signal: () => received, dispose };
}

/** Says what an interruption left: the trial to resume and the trials that did not run. */
function describeInterruption(signal: NodeJS.Signals, summary: SweepSummary): string {
  const lines = [`sweep interrupted by ${signal}`];
  for (const trial of summary.trials) {
    if (trial.status === 'KILLED' && trial.directory !== undefined) {
      lines.push(`continue trial ${trial.number} with: experiment run --resume ${trial.directory}`);
    }
  }
  const skipped = summary.trials.filter((trial) => trial.status === 'SKIPPED').map((trial) => trial.number);
  if (skipped.length > 0) {
    lines.push(`${skipped.length === 1 ? 'trial' : 'trials'} ${skipped.join(', ')} did not run (SKIPPED); start a new sweep to run them`);
  }
  return `${lines.join('\n')}\n`;
}

/** Runs one valid trial and fills in its record; an interruption (Ctrl-C) leaves it KILLED and the caller stops the sweep. */
async function runTrial(
  trial: Trial & { readonly loaded: LoadedRecipe },
  record: TrialRecord,
  options: SweepOptions,
  metric: ReturnType<typeof parseSweepMetric>,
  mlflow: MlflowSweepRun | undefined,
  onMetricKey: (key: string) => void,
): Promise<void> {
  const display = options.progress();
  const progress: ProgressReporter = {
    emit(event) {
      if (event.event === 'run-start') record.directory = event.directory;
      display.reporter.emit(event);
    },
  };
  record.status = 'RUNNING';
  const started = performance.now();
  try {
    const parent = mlflow?.parentFor(trial.number);
    const result = await runRecipe(trial.loaded, options.registry, display.log, progress, {
      exitOnInterrupt: false,
      ...(parent === undefined ? {} : { parent }),
    });
    const reading = readMetric(metric, result);
    if ('error' in reading) {
      record.status = 'FAILED';
      record.error = reading.error;
      options.log.warn(`trial ${trial.number}: ${reading.error}`);
    } else {
      record.status = 'FINISHED';
      record.metric = reading.value;
      onMetricKey(reading.key);
    }
  } catch (error) {
    const interrupted = error instanceof Error && error.name === 'AbortError';
    record.status = interrupted ? 'KILLED' : 'FAILED';
    record.error = error instanceof Error ? error.message : String(error);
    if (interrupted) return;
    options.log.warn(`trial ${trial.number} failed: ${record.error}`);
  } finally {
    record.seconds = (performance.now() - started) / 1000;
  }
}

/** Rejects a path swept twice, or swept and also given by `--set`. */
function checkPaths(parameters: readonly SweepParameter[], overrides: readonly RecipeOverride[]): void {
  const seen = new Map<string, string>();
  for (const parameter of parameters) {
    const path = formatSpecPath(parameter.path);
    const earlier = seen.get(path);
    if (earlier !== undefined) {
      throw new UsageError(`${parameter.flag}: ${path} is already swept by ${earlier}`);
    }
    seen.set(path, parameter.flag);
    const fixed = overrides.find((override) => formatSpecPath(override.path) === path);
    if (fixed !== undefined) {
      throw new UsageError(`${parameter.flag}: ${path} is also fixed by ${fixed.flag}; drop one of the two`);
    }
  }
}

/** Keeps the first issue per path and message, so a misspelled path is reported once, not once per value. */
function uniqueIssues(issues: readonly SpecIssue[]): SpecIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\n${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function sweepParams(options: SweepOptions, summary: SweepSummary): Record<string, string> {
  return {
    recipe: summary.recipeFile,
    flags: options.flags.join(' '),
    metric: summary.metric,
    direction: options.direction,
    trials: String(summary.trials.length),
  };
}

function formatDryRun(summary: SweepSummary): string {
  const lines = [`${countTrials(summary.trials.length)} of ${summary.recipe}; metric ${summary.metric} (${summary.direction})`];
  for (const trial of summary.trials) {
    lines.push(`trial ${trial.number}: ${formatValues(trial.values)}${trial.error === undefined ? '' : `\n  invalid: ${trial.error.replaceAll('\n', '\n  ')}`}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Returns `1 trial` or `N trials`. */
function countTrials(count: number): string {
  return `${count} ${count === 1 ? 'trial' : 'trials'}`;
}

/** Formats a trial's values as flags would write them: `stages.x.temperature=2 stages.x.lr=0.001`. */
export function formatValues(values: Readonly<Record<string, unknown>>): string {
  return Object.entries(values).map(([path, value]) => `${path}=${formatValue(value)}`).join(' ');
}
