import { type BatchApiError, isBatchApiError } from "../errors";
import { isRetryableStatus, retryDelayMs } from "../policy/retry";
import type { RuntimeDeps } from "./deps";

export interface RetryOptions<T> {
  maxRetries: number;
  /** Whether a 409 is worth another try (not for a cancel: there it means "already finished"). */
  retryConflict?: boolean;
  /**
   * For a call that must not be repeated blindly (an upload, a create): after a failure that may
   * have come after the work was done, finds that work's result. Not asked after a 429, which
   * did nothing.
   */
  recover?: () => Promise<T | undefined>;
}

/**
 * The one retry loop of the provider. `call` throws `BatchApiError`s; those the retry policy
 * deems worth another try are tried again after its delay (the server's `Retry-After` when it
 * gives one), `maxRetries` times; the others escape at once. With `recover`, the delay comes
 * first and the look-up second, so that work the server finished late is still found.
 */
export async function retrying<T>(
  call: () => Promise<T>,
  options: RetryOptions<T>,
  deps: RuntimeDeps,
): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (!isBatchApiError(error) || !worthRetrying(error, options)) {
        throw error;
      }
      const delay = retryDelayMs(attempt, error, deps.random());
      const lastTry = delay === undefined || attempt >= options.maxRetries;
      const recover = options.recover && error.status !== 429 ? options.recover : undefined;
      if (!lastTry || recover) {
        // Before a look-up, wait even after the last try, so that work the server finishes late is found.
        const wait =
          delay ??
          retryDelayMs(attempt, { status: error.status, retryAfterMs: undefined }, deps.random()) ??
          0;
        deps.log.info(`${error.operation}: HTTP ${error.status ?? "connection error"}; waiting ${wait} ms`);
        await deps.sleep(wait);
      }
      if (recover) {
        const found = await recover().catch((lookupError: unknown) => {
          deps.log.warn(`${error.operation}: the look-up failed too (${(lookupError as Error).message})`);
          throw new OutcomeUnknownError(error);
        });
        if (found !== undefined) {
          deps.log.info(`${error.operation}: the failed call had done its work; using its result`);
          return found;
        }
      }
      if (lastTry) {
        throw error;
      }
    }
  }
}

/**
 * A call that must not be repeated blindly failed, and the look-up for its work failed as well:
 * nobody knows whether the work was done. Carries the call's own error.
 */
export class OutcomeUnknownError extends Error {
  override readonly name = "OutcomeUnknownError";
  constructor(readonly error: BatchApiError) {
    super(error.message);
  }
}

function worthRetrying(error: BatchApiError, options: RetryOptions<unknown>): boolean {
  return isRetryableStatus(error.status) && !(error.status === 409 && options.retryConflict === false);
}
