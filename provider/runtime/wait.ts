import { pollDelayMs } from "../policy/backoff";
import type { RuntimeDeps } from "./deps";
import type { ApiBatch, OpenAIBatchApi } from "./openai-api";

export interface WaitOptions {
  timeoutMs: number;
  /** The longest gap between two polls; the first polls come sooner (1 s, 2 s, 4 s, ...). */
  pollIntervalMs: number;
  /** When to stop: the status the caller waits for. */
  done(status: string): boolean;
}

export type WaitOutcome =
  | { kind: "done"; batch: ApiBatch }
  | { kind: "timedOut"; batch: ApiBatch }
  | { kind: "gone" };

/**
 * Polls a batch until `done` says so or the time runs out, with capped exponential backoff. A
 * call that fails even after the retry policy's tries is an error; the API's `Retry-After` is
 * honoured by that policy. The last poll comes at the deadline, so the outcome is never older
 * than one interval.
 */
export async function waitForBatch(
  api: OpenAIBatchApi,
  id: string,
  options: WaitOptions,
  deps: RuntimeDeps,
): Promise<WaitOutcome> {
  const deadline = deps.now() + options.timeoutMs;
  for (let attempt = 0; ; attempt += 1) {
    const batch = await api.retrieveBatch(id);
    if (batch === undefined) {
      return { kind: "gone" };
    }
    if (options.done(batch.status)) {
      return { kind: "done", batch };
    }
    const remaining = deadline - deps.now();
    if (remaining <= 0) {
      return { kind: "timedOut", batch };
    }
    const delay = Math.min(pollDelayMs(attempt, options.pollIntervalMs, deps.random()), remaining);
    deps.log.debug(`batch ${id} is ${batch.status}; next poll in ${delay} ms`);
    await deps.sleep(delay);
  }
}
