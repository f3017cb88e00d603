import type { BatchAttempt, BatchOutputs } from "../contract";
import { isLive, isTerminal } from "../policy/lifecycle";
import type { OpenAIBatchApi } from "../runtime/openai-api";
import { steeringOf } from "../runtime/state";
import { attemptOfApiBatch } from "./follow-up";
import { hasResults } from "./state-fields";

/**
 * For `read` (a refresh): the follow-up batches that may still have been running, read again, so
 * that a resource that does not wait learns when its follow-up finished. The first attempt is the
 * resource's own batch, already read. A follow-up the API no longer knows is recorded as failed.
 * Calls the API only for follow-ups that were still live, or lack the usage the API reports.
 */
export async function refreshAttempts(props: BatchOutputs, api: OpenAIBatchApi): Promise<BatchOutputs> {
  const attempts = props.attempts;
  // A follow-up recorded before attempts carried their usage is read once more, when the API
  // reports usage at all (the first batch has it), so that the totals can count it.
  const stale = (attempt: BatchAttempt) =>
    isLive(attempt.status) || (attempt.usage === undefined && props.usage !== undefined);
  if (attempts === undefined || !attempts.slice(1).some(stale)) return props;
  const next = [attempts[0] as (typeof attempts)[number]];
  for (const attempt of attempts.slice(1)) {
    if (!stale(attempt)) {
      next.push(attempt);
      continue;
    }
    const batch = await api.retrieveBatch(attempt.batchId);
    next.push(batch === undefined ? { ...attempt, status: "failed" } : attemptOfApiBatch(batch));
  }
  return { ...props, attempts: next };
}

/**
 * For `diff`: whether a finished batch has follow-up work for `pulumi up`: its results are not
 * settled yet (no `resultsSummary`) and no follow-up is still running (a refresh says when it has
 * finished). The update then makes the next follow-up, or settles the results once none is due.
 * A resource that waits also has work while a follow-up runs: an earlier wait ran out, and the
 * update resumes it (a refresh in between has cleared the failure that would otherwise say so).
 */
export function followUpsDue(olds: BatchOutputs): boolean {
  if ((olds.retryFailedRequests ?? 0) === 0 || olds.resultsSummary !== undefined) return false;
  if (!hasResults(olds.status)) return false;
  if (steeringOf(olds).waitForCompletion && followUpRunning(olds)) return true;
  const attempts = olds.attempts ?? [];
  return attempts.length <= 1 || isTerminal(attempts[attempts.length - 1]?.status);
}

/** Whether the last follow-up may still run: the results wait for it. */
export function followUpRunning(outs: BatchOutputs): boolean {
  const attempts = outs.attempts ?? [];
  return attempts.length > 1 && !isTerminal(attempts[attempts.length - 1]?.status);
}
