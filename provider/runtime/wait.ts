import { isBatchApiError } from "../errors";
import { pollDelayMs } from "../policy/backoff";
import { isRetryableStatus } from "../policy/retry";
import type { RuntimeDeps } from "./deps";
import type { ApiBatch, OpenAIBatchApi } from "./openai-api";
import type { ProgressObserver } from "./progress";

export interface WaitOptions {
  timeoutMs: number;
  /** The longest gap between two polls; the first polls come sooner (1 s, 2 s, 4 s, ...). */
  pollIntervalMs: number;
  /** When to stop: the status the caller waits for. */
  done(status: string): boolean;
  /** Told about every batch a poll returns, to write progress lines. */
  progress?: ProgressObserver | undefined;
}

export type WaitOutcome =
  | { kind: "done"; batch: ApiBatch }
  /** `batch` is the last one seen, undefined when no poll got an answer. */
  | { kind: "timedOut"; batch: ApiBatch | undefined }
  | { kind: "gone" };

/**
 * Polls a batch until `done` says so or the time runs out, with capped exponential backoff. A
 * poll that fails for a reason worth another try (a 5xx, a 429, a lost connection, a time-out)
 * does not end the wait: the next poll comes after the backoff delay or the server's
 * `Retry-After`, whichever is longer. No poll outlives the deadline. The last poll comes at the deadline,
 * so the outcome is never older than one interval. Any other error is thrown.
 */
export async function waitForBatch(
  api: OpenAIBatchApi,
  id: string,
  options: WaitOptions,
  deps: RuntimeDeps,
): Promise<WaitOutcome> {
  const deadline = deps.now() + options.timeoutMs;
  let lastSeen: ApiBatch | undefined;
  for (let attempt = 0; ; attempt += 1) {
    let serverWait = 0;
    try {
      const batch = await api.pollBatch(id, deadline);
      if (batch === undefined) {
        return { kind: "gone" };
      }
      options.progress?.observe(batch, deps.now());
      if (options.done(batch.status)) {
        return { kind: "done", batch };
      }
      lastSeen = batch;
    } catch (error) {
      if (!isBatchApiError(error) || !isRetryableStatus(error.status)) {
        throw error;
      }
      serverWait = error.retryAfterMs ?? 0;
      deps.log.warn(`polling batch ${id} failed (${error.message}); polling on`);
    }
    const remaining = deadline - deps.now();
    if (remaining <= 0) {
      return { kind: "timedOut", batch: lastSeen };
    }
    const delay = Math.min(
      Math.max(pollDelayMs(attempt, options.pollIntervalMs, deps.random()), serverWait),
      remaining,
    );
    deps.log.debug(`batch ${id} is ${lastSeen?.status ?? "not known yet"}; next poll in ${delay} ms`);
    await deps.sleep(delay);
  }
}
