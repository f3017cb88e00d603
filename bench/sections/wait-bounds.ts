import { FIRST_POLL_DELAY_MS } from "../../provider/policy/backoff";

/** Jitter shortens a delay by up to 10% (policy/backoff.ts), so a full interval is at least 0.9 of the cap. */
export const MAX_JITTER = 0.1;

/**
 * The most retrieve calls a wait may make before it sees a batch that completes `completeMs` after
 * it starts, polling with a cap of `capMs`: one call at the start, one per doubling step up to the
 * cap (1 s, 2 s, 4 s, ...), then one per (jittered) interval, plus the call that sees completion.
 */
export function maxPolls(completeMs: number, capMs: number): number {
  const rampSteps = Math.ceil(Math.log2(capMs / FIRST_POLL_DELAY_MS));
  return Math.ceil(completeMs / ((1 - MAX_JITTER) * capMs)) + rampSteps + 2;
}

/** Polling every `intervalMs` from the start: calls until completion is seen, and how late. */
export function fixedIntervalPolling(
  completeMs: number,
  intervalMs: number,
): { calls: number; lateMs: number } {
  const polls = Math.ceil(completeMs / intervalMs);
  return { calls: polls + 1, lateMs: polls * intervalMs - completeMs };
}
