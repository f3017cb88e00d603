import { conflict } from "../api/errors";
import type { BatchRecord } from "../store/records";

/**
 * Cancels a batch as the real API does: a running batch becomes `cancelling` (it stops running
 * requests); a batch already cancelling or cancelled is returned as it is; a completed, failed
 * or expired batch cannot be cancelled (409).
 */
export function cancelBatch(batch: BatchRecord, now: number): void {
  switch (batch.status) {
    case "cancelling":
    case "cancelled":
      return;
    case "completed":
    case "failed":
    case "expired":
      throw conflict(`Cannot cancel a batch with status '${batch.status}'.`);
    case "validating":
    case "in_progress":
    case "finalizing":
      startCancel(batch, now);
  }
}

export function startCancel(batch: BatchRecord, now: number): void {
  batch.status = "cancelling";
  batch.cancellingMs = now;
  batch.phaseStartMs = now;
  batch.stuck = false;
}
