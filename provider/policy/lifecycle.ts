import type { BatchStatus } from "../contract";

/** Where a batch is in its life, as far as the provider's decisions go. */
export type BatchPhase = "running" | "stopping" | "succeeded" | "unsuccessful";

const PHASES: Readonly<Record<BatchStatus, BatchPhase>> = {
  validating: "running",
  in_progress: "running",
  finalizing: "running",
  cancelling: "stopping",
  completed: "succeeded",
  failed: "unsuccessful",
  expired: "unsuccessful",
  cancelled: "unsuccessful",
};

/** The phase of a status; an unknown status (a newer API) counts as running, so it is never given up on. */
export function phaseOf(status: string | undefined): BatchPhase {
  return status !== undefined && status in PHASES ? PHASES[status as BatchStatus] : "running";
}

export function isTerminal(status: string | undefined): boolean {
  const phase = phaseOf(status);
  return phase === "succeeded" || phase === "unsuccessful";
}

/** A batch that may still consume quota: cancelling it on delete makes sense. */
export function isLive(status: string | undefined): boolean {
  return !isTerminal(status);
}
