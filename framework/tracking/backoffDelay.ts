/** How often and how fast a request is retried. */
export interface RetryPolicy {
  /** Attempts in total, the first included. */
  readonly maxAttempts: number;
  /** Delay before the first retry, in milliseconds. */
  readonly initialDelayMs: number;
  /** Cap on any single delay, in milliseconds. */
  readonly maxDelayMs: number;
}

/**
 * Delay before retry number `retry` (1 for the first retry): exponential
 * backoff, doubling from `initialDelayMs` up to `maxDelayMs`, with jitter (a
 * uniform draw between half the delay and the whole delay) so that clients
 * which failed together do not retry together.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}
