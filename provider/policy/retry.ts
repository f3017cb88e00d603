/** The one retry policy of the provider, for every API call that is safe to repeat. */

export interface RetryableFailure {
  /** HTTP status, or undefined for a connection error or time-out. */
  status: number | undefined;
  /** The server's wish, from `retry-after-ms` or `retry-after`, in milliseconds. */
  retryAfterMs: number | undefined;
}

const RETRY_BASE_MS = 500;
const RETRY_CAP_MS = 8_000;
/** A `Retry-After` longer than this is not waited for inside one call. */
const MAX_RETRY_AFTER_MS = 60_000;

/** 408, 409, 429, 5xx and connection errors are worth another try; nothing else is. */
export function isRetryableStatus(status: number | undefined): boolean {
  return status === undefined || status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * The delay before retry number `attempt` (0-based): the server's `Retry-After` when it gives one,
 * else 0.5 s doubling to a cap of 8 s, with up to 25% of jitter taken off. Undefined when the
 * server asks for more than a minute: then the error is reported rather than waited out inside
 * one call (a wait for a batch honours it between polls instead).
 */
export function retryDelayMs(attempt: number, failure: RetryableFailure, random: number): number | undefined {
  if (failure.retryAfterMs !== undefined && failure.retryAfterMs >= 0) {
    return failure.retryAfterMs <= MAX_RETRY_AFTER_MS ? failure.retryAfterMs : undefined;
  }
  const base = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.min(attempt, 20));
  return Math.round(base * (1 - 0.25 * random));
}

/** Reads `retry-after-ms` (milliseconds) or `retry-after` (seconds, or an HTTP date). */
export function parseRetryAfter(
  headers: { get(name: string): string | null } | undefined,
  nowMs: number,
): number | undefined {
  const ms = headers?.get("retry-after-ms");
  if (ms) {
    const value = Number.parseFloat(ms);
    if (Number.isFinite(value)) {
      return value;
    }
  }
  const seconds = headers?.get("retry-after");
  if (!seconds) {
    return undefined;
  }
  const value = Number.parseFloat(seconds);
  if (Number.isFinite(value)) {
    return value * 1000;
  }
  const date = Date.parse(seconds);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
