import type { MindDataset } from '../../components/dataset/MindDataset.ts';
import type { Recommender } from '../model/Recommender.ts';
import type { NewsField, TokenCache } from '../model/TokenCache.ts';
import type { UserIndex } from '../model/UserIndex.ts';
import type { FrozenVectorCache } from './FrozenVectorCache.ts';
import type { Random } from '../random/Random.ts';
import type { Registry } from '../registry/Registry.ts';
import type { Logger } from '../run/Logger.ts';
import type { StepUpdate } from '../progress/ProgressEvent.ts';
import type { TrainingControl } from './TrainingLoop.ts';

/** Evaluation results of one model: metric name to value, plus counts. */
export type MetricValues = Record<string, number>;

/** What a stage hands to later stages: one model, a list of models, or metrics per model. */
export type StageOutput =
  | { readonly kind: 'model'; readonly model: Recommender }
  | { readonly kind: 'models'; readonly models: readonly Recommender[] }
  | { readonly kind: 'metrics'; readonly metrics: Readonly<Record<string, MetricValues>> };

/** Receives a stage's per-step and final metrics (the run's tracker). */
export interface MetricSink {
  logStep(values: MetricValues, step: number): void;
  logFinal(values: MetricValues): void;
}

/** Receives a training runner's progress after every step (bars, plain lines or JSON events). */
export interface StepReporter {
  step(update: StepUpdate): void;
}

/** Everything a stage needs at run time, prepared by the runner. */
export interface StageContext {
  readonly stageName: string;
  readonly registry: Registry;
  readonly dataset: MindDataset;
  readonly tokens: TokenCache;
  /** Seeded per stage, so adding a stage does not change the others' random streams. */
  readonly random: Random;
  readonly log: Logger;
  readonly metrics: MetricSink;
  /** Set by runs; contexts built by hand (tests) may leave it out. */
  readonly progress?: StepReporter;
  /** Directory for this stage's saved models and files. */
  readonly directory: string;
  /** The model referenced by an input field (a fresh copy for a name under `models:`). */
  model(field: string): Promise<Recommender>;
  /** The models referenced by an input field of kind 'models'. */
  models(field: string): Promise<Recommender[]>;
  /**
   * News vectors of a model that no stage trains any more (every stage output),
   * shared by all stages of the run, so a teacher's vectors are computed once.
   */
  frozenVectors(model: Recommender, field: NewsField, length: number): FrozenVectorCache;
  /** Resolves a path written in the recipe (relative to the recipe file). */
  resolvePath(path: string): string;
  /**
   * Indices of the users of the training split, shared by the whole run and
   * built on the first call (one pass over the split's behaviors).
   */
  users(): Promise<UserIndex>;
  /**
   * Called by training stages after each optimiser step and by evaluate after
   * each batch of impressions, with the 1-based step or batch number. Tests use
   * it to watch tf.memory(); runs leave it unset.
   */
  readonly onStep?: (step: number) => void;
  /** Checkpoint directory, resume flag and Ctrl-C signal of training stages; runs set it, hand-built contexts may not. */
  readonly training?: TrainingControl;
}

/** A stage built from its settings, ready to run. */
export interface StageRunner {
  run(context: StageContext): Promise<Record<string, StageOutput>>;
}
