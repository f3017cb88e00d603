import type { BatchStatus } from "./limits";
import type { EmulatorDurations } from "./types";

/** What the lifecycle needs to know of a batch. Times are emulator unix ms. */
export interface LifecycleView {
  status: BatchStatus;
  /** When the current status began (or was forced). */
  phaseStartMs: number;
  expiresMs: number;
  stuck: boolean;
  /** Requests in the file (known once validated). */
  total: number;
  /** Requests already executed. */
  done: number;
}

/** The next thing that falls due for a batch; `at` is the emulator time it happens at. */
export type LifecycleStep =
  | { kind: "validate"; at: number }
  | { kind: "execute"; at: number; untilLine: number }
  | { kind: "finalize"; at: number }
  | { kind: "complete"; at: number }
  | { kind: "cancel"; at: number }
  | { kind: "expire"; at: number };

/**
 * The next step due for a batch at emulator time `now`, or undefined when nothing is due.
 *
 * validating → in_progress (or failed) after `validatingMs`; in_progress executes its requests
 * evenly over `inProgressMs`, then → finalizing; finalizing → completed after `finalizingMs`;
 * cancelling → cancelled after `cancellingMs`. A batch that has not completed when its window
 * ends (`expiresMs`) expires then. A stuck batch stays where it is until its window ends; a stuck
 * cancelling batch becomes cancelled then.
 */
export function nextStep(
  batch: LifecycleView,
  durations: EmulatorDurations,
  now: number,
): LifecycleStep | undefined {
  const { status, phaseStartMs: start, expiresMs } = batch;
  const expired = now >= expiresMs;
  switch (status) {
    case "failed":
    case "completed":
    case "expired":
    case "cancelled":
      return undefined;
    case "cancelling": {
      if (batch.stuck) return expired ? { kind: "cancel", at: expiresMs } : undefined;
      const due = start + durations.cancellingMs;
      return now >= due ? { kind: "cancel", at: due } : undefined;
    }
    case "validating": {
      const due = start + durations.validatingMs;
      if (!batch.stuck && due < expiresMs && now >= due) return { kind: "validate", at: due };
      return expired ? { kind: "expire", at: expiresMs } : undefined;
    }
    case "in_progress": {
      const end = start + durations.inProgressMs;
      if (!batch.stuck) {
        const upTo = Math.min(now, expiresMs, end);
        const target = progressTarget(batch.total, start, durations.inProgressMs, upTo);
        if (target > batch.done) return { kind: "execute", at: upTo, untilLine: target };
        if (end < expiresMs && now >= end && batch.done >= batch.total) return { kind: "finalize", at: end };
      }
      return expired ? { kind: "expire", at: expiresMs } : undefined;
    }
    case "finalizing": {
      const due = start + durations.finalizingMs;
      if (!batch.stuck && due < expiresMs && now >= due) return { kind: "complete", at: due };
      return expired ? { kind: "expire", at: expiresMs } : undefined;
    }
  }
}

/**
 * How many of `total` requests are done at time `at` when they run evenly over `durationMs`
 * from `startMs`.
 */
export function progressTarget(total: number, startMs: number, durationMs: number, at: number): number {
  if (at < startMs) return 0;
  if (durationMs <= 0 || at >= startMs + durationMs) return total;
  return Math.min(total, Math.floor((total * (at - startMs)) / durationMs));
}

/** The order in which a batch moves forward; a status can only be forced forward. */
const RANK: Record<BatchStatus, number> = {
  validating: 0,
  in_progress: 1,
  finalizing: 2,
  cancelling: 3,
  completed: 4,
  failed: 4,
  expired: 4,
  cancelled: 4,
};

/** Why a batch cannot be forced from `from` into `to`, or undefined when it can. */
export function forceRefusal(from: BatchStatus, to: BatchStatus): string | undefined {
  if (from === to) return undefined;
  if (RANK[from] === 4) return `the batch is already ${from}`;
  if (from === "cancelling" && to !== "cancelled") return "a cancelling batch can only become cancelled";
  if (RANK[to] < RANK[from]) return `a batch cannot go back from ${from} to ${to}`;
  return undefined;
}
