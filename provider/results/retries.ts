import type { BatchAttempt, BatchOutputs } from "../contract";
import { urnOfResourceKey } from "../diagnostics";
import { noun } from "../display";
import { BatchWaitError } from "../errors";
import { isTerminal } from "../policy/lifecycle";
import { type ProgressObserver, resourceNameOf } from "../runtime/progress";
import { steeringOf } from "../runtime/state";
import { waitForBatch } from "../runtime/wait";
import { setMemberOf } from "../set-progress";
import { attemptOfApiBatch, createFollowUp } from "./follow-up";
import { followUpStartLine, retryReason } from "./follow-up-note";
import { followUpToken, followUpTokenBase, isRetryable } from "./retry-policy";
import { inputSourceOf, joinedRecords, type ResultsContext } from "./settle";
import { attemptsOf, hasResults } from "./state-fields";

/**
 * Resubmits, in follow-up batches, the requests whose last attempt failed for a retryable
 * reason, up to `retryFailedRequests` times, waiting for each follow-up in turn. Without
 * `waitForCompletion`, a follow-up is made and left running: a refresh learns when it finishes,
 * and the next `up` goes on from there. A follow-up still running from an earlier `up` is waited
 * for first (only with `waitForCompletion`). When
 * the attempts change, the results outputs are dropped so that they are joined again.
 * `waitStartedAt` is when this `up` began to work on the resource: the first batch and its
 * follow-ups share one deadline, `waitTimeoutSeconds` after it. A wait that reaches it is a
 * `BatchWaitError` with the attempts so far, so the next `up` resumes that follow-up.
 */
export async function runRetries(
  id: string,
  outs: BatchOutputs,
  ctx: ResultsContext,
  waitStartedAt: number = ctx.deps.now(),
): Promise<BatchOutputs> {
  const allowed = outs.retryFailedRequests ?? 0;
  const known = outs.attempts ?? [];
  if (!hasResults(outs.status) || (allowed === 0 && known.length <= 1)) return outs;
  const steering = steeringOf(outs);
  const deadline = waitStartedAt + steering.waitTimeoutMs;
  let attempts = attemptsOf(id, outs);
  let current: BatchOutputs = { ...outs, attempts };
  const changed = (next: BatchAttempt[]) => {
    attempts = next;
    const { resultsSummary: _summary, resultsSha256: _sha, ...rest } = current;
    current = { ...rest, attempts };
  };
  for (;;) {
    const last = attempts[attempts.length - 1] as BatchAttempt;
    if (attempts.length > 1 && !isTerminal(last.status)) {
      if (!steering.waitForCompletion) return current;
      const progress = followUpProgressOf(id, current, last.requestCounts?.total ?? 0, ctx);
      const outcome = await waitForBatch(
        ctx.api(),
        last.batchId,
        {
          timeoutMs: Math.max(0, deadline - ctx.deps.now()),
          pollIntervalMs: steering.pollIntervalMs,
          done: isTerminal,
          ...(progress === undefined ? {} : { progress }),
        },
        ctx.deps,
      );
      if (outcome.kind === "gone") {
        changed([...attempts.slice(0, -1), { ...last, status: "failed" }]);
        continue;
      }
      if (outcome.batch !== undefined) changed([...attempts.slice(0, -1), attemptOfApiBatch(outcome.batch)]);
      if (outcome.kind === "timedOut") {
        throw new BatchWaitError(id, current, followUpTimeoutMessage(id, current, steering.waitTimeoutMs));
      }
      continue;
    }
    if (attempts.length - 1 >= allowed || !hasResults(last.status)) return current;
    const input = inputSourceOf(current, ctx);
    if (input === undefined) return current;
    const lines = new Set<number>();
    const reasons = new Map<string, number>();
    for await (const record of joinedRecords(current, ctx)) {
      if (record.line === undefined || !isRetryable(record)) continue;
      lines.add(record.line);
      const reason = retryReason(record);
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    if (lines.size === 0) return current;
    const token = followUpToken(followUpTokenBase(current.createToken, id), attempts.length);
    const batch = await createFollowUp(current, input, lines, token, ctx.api(), ctx.deps);
    ctx.deps.log.info(
      `resubmitted ${lines.size} failed ${noun(lines.size, "request")} of batch ${id} in follow-up batch ${batch.id}`,
    );
    const onSet = followUpProgressOf(id, current, lines.size, ctx);
    if (onSet === undefined) {
      const line = followUpStartLine({
        resourceName: resourceNameOf(current.resourceKey),
        attempt: attempts.length,
        allowed,
        batchId: batch.id,
        reasons,
      });
      ctx.deps.progress(line, urnOfResourceKey(current.resourceKey));
    } else {
      onSet.observe(batch, ctx.deps.now());
    }
    changed([...attempts, attemptOfApiBatch(batch)]);
  }
}

/**
 * A set's batch says nothing of its follow-ups on its own row: each poll of one tells the set's
 * board, whose line counts the follow-ups running and their requests. Undefined outside a set.
 */
function followUpProgressOf(
  id: string,
  outs: BatchOutputs,
  requests: number,
  ctx: ResultsContext,
): ProgressObserver | undefined {
  const member = setMemberOf(outs.setMember);
  if (member === undefined) return undefined;
  const key = outs.resourceKey ?? id;
  return {
    observe(batch, nowMs) {
      ctx.deps.sets.followUp(member, key, { status: batch.status, requests }, nowMs);
    },
  };
}

/** The status of the last attempt: what decides whether the results pass. */
export function lastAttemptStatus(outs: BatchOutputs): string | undefined {
  const attempts = outs.attempts ?? [];
  return attempts.length > 1 ? attempts[attempts.length - 1]?.status : outs.status;
}

/** Why a wait for a follow-up stopped: which attempt was running, and how to go on. */
function followUpTimeoutMessage(id: string, outs: BatchOutputs, timeoutMs: number): string {
  const attempts = outs.attempts ?? [];
  const last = attempts[attempts.length - 1] as BatchAttempt;
  return `Follow-up batch ${last.batchId} (attempt ${attempts.length} of batch ${id}) is still ${last.status} after ${timeoutMs / 1000} s of waitTimeoutSeconds, which bounds the whole wait: the first batch and its follow-ups together. It keeps running, and it is recorded in the state with the attempts so far: the next \`pulumi up\` resumes waiting for this follow-up, without making another. Raise waitTimeoutSeconds, or set waitForCompletion to false to stop waiting.`;
}
