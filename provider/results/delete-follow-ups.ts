import type { BatchOutputs } from "../contract";
import { isLive } from "../policy/lifecycle";
import { steeringOf } from "../runtime/state";
import { waitForBatch } from "../runtime/wait";
import { MAX_RETRY_ATTEMPTS } from "./check-arguments";
import { followUpFilename } from "./follow-up";
import { followUpToken, followUpTokenBase, legacyFollowUpTokenBase } from "./retry-policy";
import type { ResultsContext } from "./settle";

/** Follow-ups made by an earlier `up` are looked for among the batches of the last 25 hours. */
const LOOKBACK_SECONDS = 25 * 3600;

type Steering = ReturnType<typeof steeringOf>;

/**
 * The follow-up batches' part of a delete, by the rules of the first batch: with
 * `cancelOnDelete`, every follow-up that may still run is cancelled (and, when the resource waits
 * for completion, waited for until the cancel is done); with `deleteInputFileOnDelete`, the input
 * file uploaded for each follow-up is deleted, unless its batch was left running. Uploads of
 * follow-ups the state does not record (an `up` interrupted between the upload and the state's
 * write) are found by their names and treated the same way. A resource that never retries makes
 * no call here.
 */
export async function deleteFollowUps(id: string, state: BatchOutputs, ctx: ResultsContext): Promise<void> {
  const recorded = (state.attempts ?? []).slice(1);
  if (recorded.length === 0 && (state.retryFailedRequests ?? 0) === 0) return;
  const steering = steeringOf(state);
  const keep = new Set<string>();
  for (const attempt of recorded) {
    if (!(await stopFollowUp(attempt.batchId, attempt.status, steering, ctx))) keep.add(attempt.inputFileId);
  }
  if (!steering.deleteInputFileOnDelete) return;
  const done = new Set(keep);
  for (const attempt of recorded) {
    if (attempt.inputFileId === "" || done.has(attempt.inputFileId)) continue;
    await ctx.api().deleteFile(attempt.inputFileId);
    done.add(attempt.inputFileId);
    ctx.deps.log.info(`deleted ${attempt.inputFileId}, the input file of follow-up batch ${attempt.batchId}`);
  }
  await deleteUnrecordedUploads(followUpTokenBase(state.createToken, id), true, done, steering, ctx);
  await deleteUnrecordedUploads(legacyFollowUpTokenBase(state.createToken, id), false, done, steering, ctx);
}

/**
 * The uploads named for one of the resource's follow-ups that the state does not record. With
 * `own` (tokens that name the first batch), a batch made from one of them is a follow-up too: it
 * is cancelled (or left running, keeping its file) by the same rules before its file goes.
 * Without (the older tokens, which a replacement keeping the create token shares), an upload a
 * batch was made from may belong to the replacement: it is left alone, and only an upload no
 * batch reads is deleted.
 */
async function deleteUnrecordedUploads(
  base: string,
  own: boolean,
  handled: ReadonlySet<string>,
  steering: Steering,
  ctx: ResultsContext,
): Promise<void> {
  const tokenOfName = new Map<string, string>();
  for (let attempt = 1; attempt <= MAX_RETRY_ATTEMPTS; attempt += 1) {
    const followUp = followUpToken(base, attempt);
    tokenOfName.set(followUpFilename(followUp), followUp);
  }
  const api = ctx.api();
  const files = (await api.listBatchFiles()).filter(
    (file) => tokenOfName.has(file.filename) && !handled.has(file.id),
  );
  const since = Math.floor(ctx.deps.now() / 1000) - LOOKBACK_SECONDS;
  for (const file of files) {
    const followUp = tokenOfName.get(file.filename) as string;
    const batch = await api.findBatchByToken(followUp, since, (found) => found.input_file_id === file.id);
    if (batch !== undefined && !own) {
      ctx.deps.log.warn(
        `kept ${file.filename} (${file.id}): batch ${batch.id} reads it, and it may be a replacement's follow-up`,
      );
      continue;
    }
    if (batch !== undefined && !(await stopFollowUp(batch.id, batch.status, steering, ctx))) continue;
    await api.deleteFile(file.id);
    ctx.deps.log.info(
      `deleted ${file.filename} (${file.id}), the input file of a follow-up the state did not record`,
    );
  }
}

/**
 * Cancels one follow-up when it may still run and `cancelOnDelete` allows it. Whether it has
 * stopped, or is being cancelled: false only when it is left running. A follow-up `status` calls
 * live (the state's word, which may be stale) that is not cancelled is asked for again, so that
 * one which has finished since does not keep its input file.
 */
async function stopFollowUp(
  batchId: string,
  status: string,
  steering: Steering,
  ctx: ResultsContext,
): Promise<boolean> {
  if (!isLive(status)) return true;
  if (!steering.cancelOnDelete) {
    const current = await ctx.api().retrieveBatch(batchId);
    if (current === undefined || !isLive(current.status)) return true;
    ctx.deps.log.warn(
      `follow-up batch ${batchId} may still be running (cancelOnDelete is false), so its input file is kept`,
    );
    return false;
  }
  const api = ctx.api();
  const cancelled = await api.cancelBatch(batchId);
  ctx.deps.log.info(`follow-up batch ${batchId} is ${cancelled?.status ?? "finished or gone"}`);
  if (cancelled !== undefined && isLive(cancelled.status) && steering.waitForCompletion) {
    const outcome = await waitForBatch(
      api,
      batchId,
      {
        timeoutMs: steering.waitTimeoutMs,
        pollIntervalMs: steering.pollIntervalMs,
        done: (next) => !isLive(next),
      },
      ctx.deps,
    );
    if (outcome.kind === "timedOut") {
      ctx.deps.log.warn(`follow-up batch ${batchId} is still cancelling; the API goes on cancelling it`);
    }
  }
  return true;
}
