import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { MindDataset } from '../../components/dataset/MindDataset.ts';
import type { ParentRun, Tracker, TrackerContext } from '../../components/tracker/Tracker.ts';
import { buildRecommender } from '../model/buildRecommender.ts';
import type { Recommender } from '../model/Recommender.ts';
import { TokenCache, type NewsField } from '../model/TokenCache.ts';
import { UserIndex } from '../model/UserIndex.ts';
import { FrozenVectorCache } from '../training/FrozenVectorCache.ts';
import { Random } from '../random/Random.ts';
import type { Registry } from '../registry/Registry.ts';
import { handleInterrupts } from '../tracking/handleInterrupts.ts';
import type { LoadedRecipe } from '../spec/Recipe.ts';
import type { MetricValues, StageContext, StageOutput, StageRunner } from '../training/StageContext.ts';
import { formatStepLine } from '../progress/formatStepLine.ts';
import { NO_PROGRESS, type ProgressReporter, type StepUpdate } from '../progress/ProgressEvent.ts';
import type { Logger } from './Logger.ts';
import { RunDirectory } from './RunDirectory.ts';

/** What a finished run leaves: its directory and the metrics of its evaluation stages. */
export interface RunResult {
  readonly directory: string;
  readonly metrics: Readonly<Record<string, Readonly<Record<string, MetricValues>>>>;
}

/** Settings of one run beyond its recipe. */
export interface RunRecipeOptions {
  /** Run that groups this one in the tracker, such as a sweep. */
  readonly parent?: ParentRun;
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
  const runDirectory = RunDirectory.create(recipe.outputDirectory, recipe.name, loaded.file);
  const log = teeLogger(baseLog, runDirectory);
  runDirectory.writeText('recipe.yaml', loaded.source);
  runDirectory.writeText('recipe.resolved.json', `${JSON.stringify(recipe, null, 2)}\n`);
  runDirectory.saveRecord();
  log.info(`run ${runDirectory.record.runId}: directory ${runDirectory.path}`);
  progress.emit({ event: 'run-start', time: Date.now(), runId: runDirectory.record.runId, recipe: recipe.name, directory: runDirectory.path });

  const recipeDirectory = dirname(loaded.file);
  const resolvePath = (path: string) => (isAbsolute(path) ? path : resolve(recipeDirectory, path));
  let tracker: Tracker | undefined;
  let currentStage: string | undefined;
  // Ctrl-C aborts at the next step or stage with an AbortError, which the catch below records as KILLED.
  const interruption = handleInterrupts();
  try {
    const { selectBackend } = await import('../backend/selectBackend.ts');
    const backend = await selectBackend(recipe.backend);
    for (const skipped of backend.skipped) {
      log.info(`backend ${skipped.name} skipped: ${skipped.reason}`);
    }
    log.info(`backend: ${backend.name}`);
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
    });

    const dataset = await registry.create<MindDataset>('dataset', recipe.data, { resolvePath, log });
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
    const random = new Random(recipe.seed);

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
        random: random.fork(`model:${name}`),
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
      currentStage = stage;
      await tracker.startStage(stage);
      runDirectory.record.stages[stage] = { status: 'RUNNING' };
      runDirectory.saveRecord();
      log.info(`stage ${stage} (${settings.type}): started`);
      progress.emit({ event: 'stage-start', time: Date.now(), stage, type: settings.type });
      const started = performance.now();
      const runner = await registry.create<StageRunner>('stage', settings, {});
      const stageTracker = tracker;
      let lastStep: StepUpdate | undefined;
      const context: StageContext = {
        stageName: stage,
        registry,
        dataset,
        tokens,
        random: random.fork(`stage:${stage}`),
        log: prefixLogger(log, `${stage}: `),
        metrics: {
          logStep: (values, step) => {
            interruption.signal.throwIfAborted();
            stageTracker.logStep(stage, values, step);
            // log.txt keeps one line per logged step; the terminal shows steps through `progress`.
            const total = lastStep?.step === step ? lastStep.total : step;
            runDirectory.appendLog(`${stage}: ${formatStepLine({ step, total, values }, Number.NaN)}`);
          },
          logFinal: (values) => stageTracker.logFinal(stage, values),
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
      const stageOutputs = await runner.run(context);
      outputs.set(stage, stageOutputs);
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
    progress.emit({
      event: 'run-end',
      time: Date.now(),
      status: runDirectory.record.status,
      directory: runDirectory.path,
      error: runDirectory.record.error,
    });
    if (interrupted) interruption.reraise();
    throw error;
  } finally {
    interruption.dispose();
  }
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
