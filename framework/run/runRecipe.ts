import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { MindDataset } from '../../components/dataset/MindDataset.ts';
import type { ParentRun, Tracker, TrackerContext } from '../../components/tracker/Tracker.ts';
import { codeVersion } from '../cache/codeVersion.ts';
import { resolveCacheDirectory, StageCache, type ModelStore } from '../cache/StageCache.ts';
import { stageKey } from '../cache/stageKey.ts';
import { buildRecommender } from '../model/buildRecommender.ts';
import { loadRecommender } from '../model/loadRecommender.ts';
import { saveRecommender } from '../model/saveRecommender.ts';
import type { Recommender } from '../model/Recommender.ts';
import { TokenCache, type NewsField } from '../model/TokenCache.ts';
import { UserIndex } from '../model/UserIndex.ts';
import { FrozenVectorCache } from '../training/FrozenVectorCache.ts';
import { Random, RandomLedger } from '../random/Random.ts';
import type { Registry } from '../registry/Registry.ts';
import type { ComponentSpec } from '../registry/ComponentDefinition.ts';
import { isStageDefinition } from '../graph/StageDefinition.ts';
import { handleInterrupts } from '../tracking/handleInterrupts.ts';
import type { LoadedRecipe } from '../spec/Recipe.ts';
import type { MetricValues, StageContext, StageOutput, StageRunner } from '../training/StageContext.ts';
import { formatStepLine } from '../progress/formatStepLine.ts';
import { NO_PROGRESS, type ProgressReporter, type StepUpdate } from '../progress/ProgressEvent.ts';
import type { Logger } from './Logger.ts';
import { RunDirectory, type RunRecord } from './RunDirectory.ts';
import { modelsOf, reuseCachedStage, storeStageOutputs } from './stageCacheSession.ts';
import { checkpointDirectoryOf } from '../training/TrainingLoop.ts';
import { DiskSpaceError } from '../checkpoint/ensureDiskSpace.ts';
import { CorruptCheckpointError, MANIFEST_FILE, verifyManifest } from '../checkpoint/manifest.ts';
import { UserError } from './UserError.ts';

/** What a finished run leaves: its directory and the metrics of its evaluation stages. */
export interface RunResult {
  readonly directory: string;
  readonly metrics: Readonly<Record<string, Readonly<Record<string, MetricValues>>>>;
}

/** Settings of one run beyond its recipe. */
export interface RunRecipeOptions {
  /** Run that groups this one in the tracker, such as a sweep. */
  readonly parent?: ParentRun;
  /**
   * Run directory to continue (`experiment run --resume`): stages found in
   * the cache are reused and the interrupted stage continues from its checkpoint.
   */
  readonly resume?: string;
  /** Reuse and store stage outputs in the stage cache (default true). */
  readonly cache?: boolean;
  /** Stage cache directory (default: NEWSREC_CACHE_DIR, else `<output.directory>/.stage-cache`). */
  readonly cacheDirectory?: string;
  /** Stages that run even when the cache has their outputs; every stage that reads their outputs runs too. */
  readonly force?: readonly string[];
  /** The `--set` flags the recipe was loaded with, recorded in run.json for --resume. */
  readonly overrides?: readonly string[];
  /** Warnings about the resumed recipe, written to the run's log when it opens. */
  readonly resumeWarnings?: readonly string[];
  /**
   * Ends the process with the received signal once an interrupted run is
   * recorded as KILLED (default true). A sweep passes false, gets the
   * AbortError instead and records the interruption in its own summary.
   */
  readonly exitOnInterrupt?: boolean;
}

/**
 * Runs a loaded recipe: selects the backend, prepares data and tokens, runs the
 * stages in dependency order, passing each stage the outputs it references,
 * and records everything in a new run directory and the recipe's tracker.
 * Stage boundaries and training steps go to `progress` as events.
 */
export async function runRecipe(
  loaded: LoadedRecipe,
  registry: Registry,
  baseLog: Logger,
  progress: ProgressReporter = NO_PROGRESS,
  options: RunRecipeOptions = {},
): Promise<RunResult> {
  const { recipe } = loaded;
  const resuming = options.resume !== undefined;
  const cache = options.cache === false ? undefined : new StageCache(resolveCacheDirectory(recipe.outputDirectory, options.cacheDirectory));
  const runDirectory = openRunDirectory(loaded, options, cache === undefined ? { enabled: false } : { enabled: true, directory: resolve(cache.directory) });
  const log = teeLogger(baseLog, runDirectory);
  if (resuming) {
    log.info(`run ${runDirectory.record.runId}: resuming in ${runDirectory.path}`);
  } else {
    log.info(`run ${runDirectory.record.runId}: directory ${runDirectory.path}`);
  }
  for (const warning of options.resumeWarnings ?? []) log.warn(warning);
  // Without the cache, outputs still go through a store of the run's own that is deleted at the end,
  // so later stages read the same reloaded models and the results do not depend on --no-cache.
  const outputStore = cache ?? new StageCache(join(runDirectory.path, '.stage-outputs'));
  const force = new Set(options.force ?? []);
  progress.emit({ event: 'run-start', time: Date.now(), runId: runDirectory.record.runId, recipe: recipe.name, directory: runDirectory.path });

  const recipeDirectory = dirname(loaded.file);
  const resolvePath = (path: string) => (isAbsolute(path) ? path : resolve(recipeDirectory, path));
  let tracker: Tracker | undefined;
  let currentStage: string | undefined;
  // The first Ctrl-C lets a training stage finish its step and write a checkpoint, then an
  // AbortError ends the run, which the catch below records as KILLED.
  const interruption = handleInterrupts();
  try {
    const { selectBackend } = await import('../backend/selectBackend.ts');
    const backend = await selectBackend(recipe.backend);
    for (const skipped of backend.skipped) {
      log.info(`backend ${skipped.name} skipped: ${skipped.reason}`);
    }
    if (backend.tfBackend === 'wasm') {
      const { threadCount, useWasmMatMulThreads } = await import('../backend/parallelMatMul.ts');
      const threads = threadCount(recipe.threads);
      const cores = threadCount('auto');
      if (threads > cores) {
        // Each helper thread starts a wasm instance of its own and takes part in every large product.
        log.warn(`threads: ${threads} is more than the ${cores} core(s) this process may use, which costs memory and start-up time without speed`);
      }
      await useWasmMatMulThreads(threads);
      log.info(`backend: ${backend.name}, ${threads} thread${threads === 1 ? '' : 's'} for matrix products`);
    } else {
      log.info(`backend: ${backend.name}`);
      if (recipe.threads !== 'auto') {
        log.warn(`threads: ${recipe.threads} is ignored, because it applies to the wasm backend only and the backend is ${backend.name}`);
      }
    }
    runDirectory.record.backend = backend.name;
    runDirectory.saveRecord();

    const trackerContext: TrackerContext = { log };
    tracker = await registry.create<Tracker>('tracker', recipe.tracker, trackerContext);
    await tracker.start({
      runId: runDirectory.record.runId,
      recipeName: recipe.name,
      recipeFile: loaded.file,
      directory: runDirectory.path,
      recipe,
      backend: backend.name,
      ...(options.parent === undefined ? {} : { parent: options.parent }),
      resumed: resuming,
    });

    const dataset = await openDataset(registry, recipe.data, resolvePath, log);
    const corpus = dataset.corpus;
    log.info(`data: ${corpus.size} news`);
    const tokens = new TokenCache(
      { title: corpus.titles, abstract: corpus.abstracts },
      { categories: corpus.categories, subcategories: corpus.subcategories },
    );
    // Built on first use, so only recipes with a user-ID embedding read the training behaviors for it.
    let userIndex: Promise<UserIndex> | undefined;
    const users = (): Promise<UserIndex> => {
      const train = dataset.split('train');
      userIndex ??= train === undefined ? Promise.resolve(new UserIndex()) : UserIndex.fromImpressions(train.impressions());
      return userIndex;
    };
    // Streams are derived from the seed and a name without advancing it, so a
    // stage's random numbers do not depend on which other stages ran or came from the cache.
    const random = new Random(recipe.seed);
    const modelStore: ModelStore = {
      save: (model, directory) => saveRecommender(model, directory),
      load: (directory) => loadRecommender(directory, registry, log),
    };
    const code = codeVersion(recipe.plugins);
    const stageKeys = new Map<string, string>();

    const outputs = new Map<string, Record<string, StageOutput>>();
    // Stage outputs are never trained again (stages train copies), so their vectors can be shared.
    const vectorCaches = new WeakMap<Recommender, Map<string, FrozenVectorCache>>();
    const frozenVectors = (model: Recommender, field: NewsField, length: number): FrozenVectorCache => {
      const byKey = vectorCaches.get(model) ?? new Map<string, FrozenVectorCache>();
      vectorCaches.set(model, byKey);
      const key = `${field}:${length}`;
      let cache = byKey.get(key);
      if (cache === undefined) {
        cache = new FrozenVectorCache(model.newsEncoder, { features: tokens.features(model.tokenizer), field, length });
        byKey.set(key, cache);
      }
      return cache;
    };
    const buildModel = async (name: string, label: string): Promise<Recommender> => {
      const spec = recipe.models[name];
      if (spec === undefined) {
        throw new Error(`model '${name}' is not defined under models:`);
      }
      return buildRecommender(label, spec, {
        registry,
        random: random.derive(`model:${name}`),
        log,
        texts: () => [...corpus.titles, ...corpus.abstracts],
        resolvePath,
        users,
        labels: tokens.labelVocabularies,
      });
    };
    const resolveReference = async (reference: string, stage: string): Promise<Recommender[]> => {
      const dot = reference.indexOf('.');
      if (dot < 0) {
        return [await buildModel(reference, reference)];
      }
      const output = outputs.get(reference.slice(0, dot))?.[reference.slice(dot + 1)];
      if (output === undefined) {
        throw new Error(`stage ${stage}: output '${reference}' is not available`);
      }
      if (output.kind === 'model') return [output.model];
      if (output.kind === 'models') return [...output.models];
      throw new Error(`stage ${stage}: '${reference}' contains metrics, not models`);
    };

    for (const stage of loaded.stageOrder) {
      const settings = recipe.stages[stage];
      if (settings === undefined) continue;
      interruption.signal.throwIfAborted();
      const key = stageKey(stage, { recipe, registry, backend: backend.name, codeVersion: code, resolvePath, stageKeys });
      stageKeys.set(stage, key);
      currentStage = stage;
      await tracker.startStage(stage);
      runDirectory.record.stages[stage] = { status: 'RUNNING' };
      runDirectory.saveRecord();
      progress.emit({ event: 'stage-start', time: Date.now(), stage, type: settings.type });
      const started = performance.now();
      const stageTracker = tracker;

      const forcedBy = forcedUpstream(stage, registry, recipe.stages, force);
      if (forcedBy !== undefined && !force.has(stage)) {
        force.add(stage);
        log.info(`stage ${stage}: forced, because it reads the forced stage ${forcedBy}`);
      }
      const reused = cache === undefined || force.has(stage) ? undefined : await reuseCachedStage(cache, key, stage, modelStore, log);
      if (reused !== undefined) {
        outputs.set(stage, reused.outputs);
        if (Object.keys(reused.finals).length > 0) stageTracker.logFinal(stage, reused.finals);
        const seconds = (performance.now() - started) / 1000;
        runDirectory.record.stages[stage] = { status: 'FINISHED', seconds, cached: { key, directory: reused.directory } };
        runDirectory.saveRecord();
        await tracker.endStage(stage, 'FINISHED');
        currentStage = undefined;
        progress.emit({ event: 'stage-end', time: Date.now(), stage, status: 'FINISHED', seconds });
        log.info(`stage ${stage} (${settings.type}): cached, reused ${reused.directory} (${reused.description})`);
        continue;
      }

      const reason = cache === undefined ? 'cache off' : force.has(stage) ? 'forced' : 'not cached';
      log.info(`stage ${stage} (${settings.type}): started (${reason}, key ${key.slice(0, 12)})`);
      const runner = await registry.create<StageRunner>('stage', settings, {});
      const finals: Record<string, number> = {};
      let lastStep: StepUpdate | undefined;
      // Records every random stream the stage creates, so checkpoints can save and restore their states.
      const ledger = RandomLedger.open();
      const checkpointDirectory = checkpointDirectoryOf(runDirectory.path, stage);
      let stageOutputs: Record<string, StageOutput>;
      try {
        const context: StageContext = {
          stageName: stage,
          registry,
          dataset,
          tokens,
          random: random.derive(`stage:${stage}`),
          log: prefixLogger(log, `${stage}: `),
          metrics: {
            logStep: (values, step) => {
              stageTracker.logStep(stage, values, step);
              // log.txt keeps one line per logged step; the terminal shows steps through `progress`.
              const total = lastStep?.step === step ? lastStep.total : step;
              runDirectory.appendLog(`${stage}: ${formatStepLine({ step, total, values }, Number.NaN)}`);
            },
            logFinal: (values) => {
              Object.assign(finals, values);
              stageTracker.logFinal(stage, values);
            },
          },
          progress: {
            step: (update) => {
              lastStep = update;
              progress.emit({ event: 'step', time: Date.now(), stage, ...update });
            },
          },
          directory: runDirectory.stageDirectory(stage),
          resolvePath,
          frozenVectors,
          users,
          training: { checkpointDirectory, stageKey: key, resume: resuming, signal: interruption.signal, ledger },
          async model(field) {
            const models = await context.models(field);
            if (models.length !== 1) {
              throw new Error(`stage ${stage}: ${field} must name one model, it names ${models.length}`);
            }
            return models[0] as Recommender;
          },
          async models(field) {
            const value = settings[field];
            const references = Array.isArray(value) ? (value as string[]) : [value as string];
            const models: Recommender[] = [];
            for (const reference of references) {
              models.push(...(await resolveReference(reference, stage)));
            }
            return models;
          },
        };
        stageOutputs = await runner.run(context);
      } finally {
        ledger.close();
      }
      const inUse = new Set([...outputs.values()].flatMap((earlier) => modelsOf(earlier)));
      const about = { stage, type: settings.type, recipe: recipe.name, runId: runDirectory.record.runId, finals };
      stageOutputs = await storeStageOutputs(outputStore, key, about, stageOutputs, modelStore, log, inUse);
      outputs.set(stage, stageOutputs);
      rmSync(checkpointDirectory, { recursive: true, force: true });
      const seconds = (performance.now() - started) / 1000;
      runDirectory.record.stages[stage] = { status: 'FINISHED', seconds };
      runDirectory.saveRecord();
      await tracker.endStage(stage, 'FINISHED');
      currentStage = undefined;
      progress.emit({ event: 'stage-end', time: Date.now(), stage, status: 'FINISHED', seconds });
      log.info(`stage ${stage}: finished in ${seconds.toFixed(1)} s`);
    }

    const metrics: Record<string, Record<string, MetricValues>> = {};
    for (const [stage, stageOutputs] of outputs) {
      for (const output of Object.values(stageOutputs)) {
        if (output.kind === 'metrics') metrics[stage] = { ...output.metrics };
      }
    }
    removeIfEmpty(join(runDirectory.path, 'checkpoints'));
    runDirectory.record.status = 'FINISHED';
    runDirectory.record.endedAt = new Date().toISOString();
    runDirectory.saveRecord();
    await writeRunReport(runDirectory.path, log);
    await tracker.end('FINISHED');
    progress.emit({ event: 'run-end', time: Date.now(), status: 'FINISHED', directory: runDirectory.path });
    return { directory: runDirectory.path, metrics };
  } catch (error) {
    const interrupted = error instanceof Error && error.name === 'AbortError';
    runDirectory.record.status = interrupted ? 'KILLED' : 'FAILED';
    runDirectory.record.error = error instanceof Error ? error.message : String(error);
    runDirectory.record.endedAt = new Date().toISOString();
    if (currentStage !== undefined) {
      runDirectory.record.stages[currentStage] = { status: runDirectory.record.status };
    }
    runDirectory.saveRecord();
    if (currentStage !== undefined) {
      await tracker?.endStage(currentStage, runDirectory.record.status, runDirectory.record.error);
    }
    await tracker?.end(runDirectory.record.status, runDirectory.record.error);
    log.warn(`run ${runDirectory.record.status.toLowerCase()}; what it recorded is in ${runDirectory.path}`);
    const next = nextStepAfterFailure(error, interrupted, runDirectory.path, currentStage);
    if (next !== undefined) log.warn(next);
    progress.emit({
      event: 'run-end',
      time: Date.now(),
      status: runDirectory.record.status,
      directory: runDirectory.path,
      error: runDirectory.record.error,
    });
    if (interrupted && options.exitOnInterrupt !== false) interruption.reraise();
    throw error;
  } finally {
    interruption.dispose();
    if (cache === undefined) rmSync(outputStore.directory, { recursive: true, force: true });
  }
}

/**
 * Returns the first stage that `stage` reads an output of and that is in
 * `forced`, or undefined. Stages are visited in dependency order, so a stage
 * added to `forced` here forces the stages that read it in turn.
 */
function forcedUpstream(stage: string, registry: Registry, stages: Readonly<Record<string, ComponentSpec>>, forced: ReadonlySet<string>): string | undefined {
  const settings = stages[stage] as Record<string, unknown> & ComponentSpec;
  const definition = registry.get('stage', settings.type);
  const inputFields = isStageDefinition(definition) ? Object.keys(definition.inputs) : [];
  for (const field of inputFields) {
    const value = settings[field];
    if (value === undefined) continue;
    const references = Array.isArray(value) ? (value as string[]) : [value as string];
    for (const reference of references) {
      const dot = reference.indexOf('.');
      if (dot > 0 && forced.has(reference.slice(0, dot))) return reference.slice(0, dot);
    }
  }
  return undefined;
}

/** Deletes a directory that exists and contains nothing. */
function removeIfEmpty(directory: string): void {
  if (existsSync(directory) && readdirSync(directory).length === 0) rmdirSync(directory);
}

/** Opens the recipe's data; an error there comes from the user's files (missing or malformed), so it becomes a UserError. */
async function openDataset(registry: Registry, spec: LoadedRecipe['recipe']['data'], resolvePath: (path: string) => string, log: Logger): Promise<MindDataset> {
  try {
    return await registry.create<MindDataset>('dataset', spec, { resolvePath, log });
  } catch (error) {
    if (error instanceof UserError || !(error instanceof Error)) throw error;
    throw new UserError(`data: ${error.message}`, { cause: error });
  }
}

/**
 * Returns what the user can do after a failed run, or undefined when nothing
 * in the run directory helps. Resuming helps after Ctrl-C, after a full disk,
 * and after a crash in a stage that left a valid checkpoint. A NaN loss or
 * bad data fails the same way again on resume.
 */
function nextStepAfterFailure(error: unknown, interrupted: boolean, runPath: string, stage: string | undefined): string | undefined {
  const resume = `experiment run --resume ${runPath}`;
  if (interrupted || error instanceof DiskSpaceError) return `continue it with: ${resume}`;
  if (stage === undefined) return undefined;
  const checkpoint = checkpointDirectoryOf(runPath, stage);
  if (error instanceof CorruptCheckpointError) {
    return `the checkpoint of stage ${stage} is corrupted; to restart the stage from its first step, delete ${checkpoint} and run: ${resume}`;
  }
  if (error instanceof UserError || !existsSync(join(checkpoint, MANIFEST_FILE))) return undefined;
  try {
    verifyManifest(checkpoint);
  } catch {
    return undefined;
  }
  return `continue it from the checkpoint in ${checkpoint} with: ${resume}`;
}

/** Writes report.html and its figures before the tracker uploads the run; a failure only warns. */
async function writeRunReport(directory: string, log: Logger): Promise<void> {
  try {
    const { writeReport } = await import('../report/writeReport.ts');
    const report = writeReport(directory);
    log.info(`report: ${join(directory, report.html)} (${report.figures.length} figures)`);
  } catch (error) {
    log.warn(`the run report could not be written (${error instanceof Error ? error.message : String(error)}); regenerate it with: experiment report ${directory}`);
  }
}

function teeLogger(log: Logger, runDirectory: RunDirectory): Logger {
  return {
    info(message) {
      log.info(message);
      runDirectory.appendLog(message);
    },
    warn(message) {
      log.warn(message);
      runDirectory.appendLog(`warning: ${message}`);
    },
  };
}

function prefixLogger(log: Logger, prefix: string): Logger {
  return {
    info: (message) => log.info(prefix + message),
    warn: (message) => log.warn(prefix + message),
  };
}

/** Creates the run directory, or opens the one to resume and marks it running again. */
function openRunDirectory(loaded: LoadedRecipe, options: RunRecipeOptions, cache: NonNullable<RunRecord['cache']>): RunDirectory {
  const { recipe } = loaded;
  if (options.resume === undefined) {
    const created = RunDirectory.create(recipe.outputDirectory, recipe.name, loaded.file);
    created.record.cache = cache;
    created.writeText('recipe.yaml', loaded.source);
    created.writeText('recipe.resolved.json', `${JSON.stringify(recipe, null, 2)}\n`);
    if (options.overrides !== undefined && options.overrides.length > 0) created.record.overrides = [...options.overrides];
    created.saveRecord();
    return created;
  }
  const opened = RunDirectory.open(options.resume);
  const { record } = opened;
  if (record.status === 'FINISHED') {
    throw new Error(`${options.resume} finished at ${record.endedAt ?? 'an unknown time'}; there is nothing to resume`);
  }
  record.status = 'RUNNING';
  delete record.endedAt;
  delete record.error;
  record.resumedAt = [...(record.resumedAt ?? []), new Date().toISOString()];
  record.cache = cache;
  opened.writeText('recipe.resolved.json', `${JSON.stringify(recipe, null, 2)}\n`);
  opened.saveRecord();
  return opened;
}
