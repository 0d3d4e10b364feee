import type { MetricValues } from '../training/StageContext.ts';

/** One stage of a finished or failed run, as the summary lists it. */
export interface StageSummary {
  readonly name: string;
  readonly type: string;
  readonly status: string;
  readonly seconds?: number;
}

/** What the end-of-run summary shows; `experiment run --json` prints it as the last event. */
export interface RunSummary {
  readonly runId: string;
  readonly recipe: string;
  readonly status: string;
  readonly backend: string;
  readonly seconds: number;
  readonly stages: readonly StageSummary[];
  /** Final metrics of the evaluation stages: stage, then model, then metric name. */
  readonly metrics: Readonly<Record<string, Readonly<Record<string, MetricValues>>>>;
  readonly directory: string;
  /** Address of the parent run in the MLflow UI when the run was uploaded. */
  readonly mlflowRunUrl?: string;
}

/** Progress of one training step, as a runner reports it. */
export interface StepUpdate {
  readonly step: number;
  readonly total: number;
  /** Values of this step, such as `loss` and the teacher weights. */
  readonly values: MetricValues;
  /** Part of the stage that the steps count, such as `model_2` when a stage trains models one after another. */
  readonly task?: string;
}

/**
 * Events of a run, in the order they happen. Renderers turn them into bars,
 * plain lines or JSON lines. `time` is milliseconds since the Unix epoch.
 */
export type ProgressEvent =
  | { readonly event: 'run-start'; readonly time: number; readonly runId: string; readonly recipe: string; readonly directory: string }
  | { readonly event: 'stage-start'; readonly time: number; readonly stage: string; readonly type: string }
  | ({ readonly event: 'step'; readonly time: number; readonly stage: string } & StepUpdate)
  | { readonly event: 'stage-end'; readonly time: number; readonly stage: string; readonly status: string; readonly seconds: number }
  | { readonly event: 'log'; readonly time: number; readonly level: 'info' | 'warning'; readonly message: string }
  | { readonly event: 'run-end'; readonly time: number; readonly status: string; readonly directory: string; readonly error?: string }
  | ({ readonly event: 'summary'; readonly time: number } & RunSummary);

/** Receives the events of a run. */
export interface ProgressReporter {
  emit(event: ProgressEvent): void;
}

/** Drops every event; the default when nothing shows progress (library calls, tests). */
export const NO_PROGRESS: ProgressReporter = { emit: () => {} };
