/**
 * Why a request to the MLflow server failed:
 * - `network`: no HTTP response (connection refused or reset, DNS failure);
 * - `timeout`: no complete response within the request timeout;
 * - `http`: the server responded with an error status.
 */
export type MlflowFailureKind = 'network' | 'timeout' | 'http';

/** A failed MLflow REST call, with the server's error code and message when it sent one. */
export class MlflowRequestError extends Error {
  constructor(
    readonly kind: MlflowFailureKind,
    readonly method: string,
    /** Path and query of the request, without the server address or credentials. */
    readonly path: string,
    message: string,
    readonly status?: number,
    /** MLflow's `error_code`, such as RESOURCE_DOES_NOT_EXIST or INVALID_PARAMETER_VALUE. */
    readonly errorCode?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MlflowRequestError';
  }

  /**
   * True when the server may be fine a little later: no response, a timeout,
   * 408, 429 or any 5xx. Other 4xx responses are final.
   */
  get transient(): boolean {
    if (this.kind !== 'http') return true;
    const status = this.status ?? 0;
    return status === 408 || status === 429 || status >= 500;
  }

  /** True when the server responded that the credentials are missing or not allowed. */
  get unauthorized(): boolean {
    return this.status === 401 || this.status === 403;
  }
}
