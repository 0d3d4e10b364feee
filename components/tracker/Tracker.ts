import type { Logger } from '../../framework/run/Logger.ts';

/** Final state of a run or stage, with MLflow's names. */
export type RunStatus = 'FINISHED' | 'FAILED' | 'KILLED';

/** What a tracker learns about a run when it starts. */
export interface RunInfo {
  readonly runId: string;
  readonly recipeName: string;
  /** Absolute path of the recipe file. */
  readonly recipeFile: string;
  /** Absolute path of the local run directory. */
  readonly directory: string;
  /** The resolved recipe, as logged. */
  readonly recipe: unknown;
  readonly backend: string;
  /** Run that groups this one, such as the sweep that started it. */
  readonly parent?: ParentRun;
  /** True when `experiment run --resume` continues a run that this directory already records. */
  readonly resumed?: boolean;
}

/** A parent run on the tracking server; trackers tag the run with it. */
export interface ParentRun {
  /** MLflow run id of the parent, recorded as the tag `mlflow.parentRunId`. */
  readonly runId: string;
  /** More tags for the run, such as the sweep name and the trial number. */
  readonly tags: Readonly<Record<string, string>>;
}

/** What a tracker factory receives besides its settings. */
export interface TrackerContext {
  readonly log: Logger;
}

/**
 * Receives everything a run records: per-step metrics of each stage, final
 * metrics, and start and end of stages and of the run. `logStep` and
 * `logFinal` are called on the training path and must not wait for I/O
 * beyond a local append. `end` may take a while: remote trackers finish their
 * uploads there.
 */
export interface Tracker {
  start(run: RunInfo): Promise<void>;
  startStage(stage: string): Promise<void>;
  logStep(stage: string, values: Readonly<Record<string, number>>, step: number): void;
  logFinal(stage: string, values: Readonly<Record<string, number>>): void;
  endStage(stage: string, status: RunStatus, error?: string): Promise<void>;
  end(status: RunStatus, error?: string): Promise<void>;
}
