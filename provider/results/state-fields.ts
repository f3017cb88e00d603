import { type BatchAttempt, type BatchOutputs, RESULTS_OUTPUT_NAMES } from "../contract";

/** Statuses of a finished batch that has results to read (a failed batch ran no request). */
export function hasResults(status: string | undefined): boolean {
  return status === "completed" || status === "expired" || status === "cancelled";
}

/**
 * The results outputs of the state carried onto newly composed outputs, which only hold the
 * inputs and what the API says. A state written before these outputs existed has none.
 */
export function carryResults(from: Partial<BatchOutputs> | undefined, to: BatchOutputs): BatchOutputs {
  const carried: Partial<BatchOutputs> = {};
  for (const name of RESULTS_OUTPUT_NAMES) {
    const value = from?.[name];
    if (value !== undefined && to[name] === undefined) {
      (carried as Record<string, unknown>)[name] = value;
    }
  }
  return { ...to, ...carried };
}

/** The first attempt: the resource's own batch, as the outputs describe it. */
export function firstAttemptOf(id: string, outs: BatchOutputs): BatchAttempt {
  return {
    batchId: id,
    status: outs.status ?? "validating",
    inputFileId: outs.inputFileId ?? "",
    ...(outs.outputFileId === undefined ? {} : { outputFileId: outs.outputFileId }),
    ...(outs.errorFileId === undefined ? {} : { errorFileId: outs.errorFileId }),
    ...(outs.requestCounts === undefined ? {} : { requestCounts: outs.requestCounts }),
    ...(outs.usage === undefined ? {} : { usage: outs.usage }),
  };
}

/** The attempts with the first one brought up to date from the outputs. */
export function attemptsOf(id: string, outs: BatchOutputs): BatchAttempt[] {
  return [firstAttemptOf(id, outs), ...(outs.attempts ?? []).slice(1)];
}
