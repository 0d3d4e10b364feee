/**
 * Limits that the MLflow tracking server enforces, as read from
 * `mlflow/utils/validation.py` of MLflow 3.17.2 (the version that
 * scripts/install-mlflow.sh pins). Requests over them fail with
 * INVALID_PARAMETER_VALUE, so the client checks them before sending.
 */
export const MLFLOW_LIMITS = {
  /** Max characters of a metric, param or tag key. */
  keyLength: 250,
  /** Max characters of a param value (the server truncates or rejects longer ones). */
  paramValueLength: 6000,
  /** Max characters of a run tag value. */
  tagValueLength: 8000,
  experimentNameLength: 500,
  metricsPerBatch: 1000,
  paramsPerBatch: 100,
  tagsPerBatch: 100,
  /** Max metrics + params + tags in one log-batch request. */
  entitiesPerBatch: 1000,
  /** Max bytes of a log-batch request body. */
  batchRequestBytes: 1_000_000,
  /** Max points per page of metrics/get-history. */
  metricHistoryPageSize: 25_000,
  /** Max runs per page of runs/search. */
  searchRunsPageSize: 50_000,
} as const;
