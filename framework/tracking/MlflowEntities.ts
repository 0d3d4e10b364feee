/** Shapes of the MLflow REST API (2.0) entities that newsrec-lab reads and writes. */

export type MlflowRunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

export interface MlflowExperiment {
  readonly experiment_id: string;
  readonly name: string;
  readonly artifact_location?: string;
  readonly lifecycle_stage?: string;
}

export interface MlflowRunInfo {
  readonly run_id: string;
  readonly experiment_id: string;
  readonly run_name?: string;
  readonly status: MlflowRunStatus;
  readonly start_time?: number;
  readonly end_time?: number;
  /** `mlflow-artifacts:/<experiment>/<run>/artifacts` when the server proxies artifacts. */
  readonly artifact_uri?: string;
  readonly lifecycle_stage?: string;
}

/**
 * A metric point. In requests and responses the value is a JSON number, or one
 * of the strings `NaN`, `Infinity`, `-Infinity` (protobuf's JSON form).
 */
export interface MlflowMetric {
  readonly key: string;
  readonly value: number;
  /** Milliseconds since the Unix epoch. */
  readonly timestamp: number;
  readonly step: number;
}

export interface MlflowParam {
  readonly key: string;
  readonly value: string;
}

export interface MlflowTag {
  readonly key: string;
  readonly value: string;
}

export interface MlflowRun {
  readonly info: MlflowRunInfo;
  readonly data: {
    readonly metrics?: readonly MlflowMetric[];
    readonly params?: readonly MlflowParam[];
    readonly tags?: readonly MlflowTag[];
  };
}

/** An entry of an artifact listing; `path` is relative to the listed directory. */
export interface MlflowFileInfo {
  readonly path: string;
  readonly is_dir: boolean;
  readonly file_size?: number;
}
