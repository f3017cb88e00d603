import { rename, rm } from "node:fs/promises";
import { reorderLines } from "../execution/output-order";
import { runLines } from "../execution/run-lines";
import { newId } from "../ids";
import type { LifecycleStep, LifecycleView } from "../lifecycle";
import { isBatchEndpoint, isTerminal } from "../limits";
import {
  enqueuedTokens,
  inputTokensOf,
  TOKEN_LIMIT_EXCEEDED,
  tokenLimitMessage,
} from "../queue/enqueued-tokens";
import type { BatchErrorEntry, BatchRecord } from "../store/records";
import { surveyInputFile, type ValidationResult, validateInputFile } from "../validation/validate-file";
import type { EngineContext } from "./context";

/** The I/O side of the lifecycle: what each step does to a batch and its files. */

/** `expires`: false where batches are not expired at their window's end (Azure). */
export function lifecycleView(batch: BatchRecord, expires = true): LifecycleView {
  return {
    status: batch.status,
    phaseStartMs: batch.phaseStartMs,
    expiresMs: expires ? batch.expiresMs : Number.POSITIVE_INFINITY,
    stuck: batch.stuck,
    total: batch.progress.total,
    done: batch.progress.done,
  };
}

export async function applyStep(ctx: EngineContext, batch: BatchRecord, step: LifecycleStep): Promise<void> {
  switch (step.kind) {
    case "validate":
      return validate(ctx, batch, step.at);
    case "execute":
      return execute(ctx, batch, step.untilLine, step.at);
    case "finalize":
      batch.status = "finalizing";
      batch.finalizingMs = step.at;
      batch.phaseStartMs = step.at;
      return;
    case "complete":
      batch.status = "completed";
      batch.completedMs = step.at;
      return finish(ctx, batch, step.at);
    case "cancel":
      batch.status = "cancelled";
      batch.cancelledMs = step.at;
      return finish(ctx, batch, step.at);
    case "expire":
      return expire(ctx, batch, step.at);
  }
}

async function validate(ctx: EngineContext, batch: BatchRecord, at: number): Promise<void> {
  let result: ValidationResult;
  try {
    result = await validateInputFile(ctx.disk.fileBlob(batch.inputFileId), batch.endpoint, ctx.profile);
    // Where the file decides the endpoint (Azure), the batch runs the one its lines name.
    if (result.endpoint !== undefined && isBatchEndpoint(result.endpoint)) batch.endpoint = result.endpoint;
  } catch (error) {
    ctx.log(`batch ${batch.id}: cannot read input file ${batch.inputFileId}: ${(error as Error).message}`);
    result = {
      lines: 0,
      model: undefined,
      errors: [
        { code: "file_unreadable", message: "The input file could not be read.", line: null, param: null },
      ],
    };
  }
  if (result.errors.length === 0) {
    const full = await queueIsFull(ctx, batch, result.model);
    if (full !== undefined) result.errors.push(full);
  }
  if (result.errors.length > 0) {
    fail(batch, at, result.errors);
    await finish(ctx, batch, at);
    return;
  }
  startProgress(batch, at, result.lines, result.model);
}

/**
 * With an enqueued-token limit for the batch's model: the error that fails the batch when its
 * input tokens do not fit beside those the model's other batches hold; otherwise records them.
 */
async function queueIsFull(
  ctx: EngineContext,
  batch: BatchRecord,
  model: string | undefined,
): Promise<BatchErrorEntry | undefined> {
  const limit = model === undefined ? undefined : ctx.enqueuedTokenLimits.get(model);
  if (model === undefined || limit === undefined) return undefined;
  const tokens = await inputTokensOf(ctx.disk.fileBlob(batch.inputFileId), batch.endpoint, ctx.tokens);
  const others = await enqueuedTokens(ctx.store.batches.values(), model, batch.id, ctx.tokens, (id) =>
    ctx.disk.fileBlob(id),
  );
  if (others + tokens > limit) {
    return {
      code: TOKEN_LIMIT_EXCEEDED,
      message: tokenLimitMessage(model, limit, ctx.profile.name),
      line: null,
      param: null,
    };
  }
  batch.enqueuedTokens = tokens;
  return undefined;
}

/** Moves a batch to in_progress with its request count known. */
export function startProgress(
  batch: BatchRecord,
  at: number,
  lines: number,
  model: string | undefined,
): void {
  batch.status = "in_progress";
  batch.inProgressMs = at;
  batch.phaseStartMs = at;
  batch.progress.validated = true;
  batch.progress.total = lines;
  if (model !== undefined) batch.model = model;
}

/** For forced statuses: learns the request count and model without judging the file. */
export async function surveyAndStart(ctx: EngineContext, batch: BatchRecord, at: number): Promise<void> {
  const survey = await surveyInputFile(ctx.disk.fileBlob(batch.inputFileId)).catch(() => ({
    lines: 0,
    model: undefined,
  }));
  startProgress(batch, at, survey.lines, survey.model);
}

export function fail(batch: BatchRecord, at: number, errors: BatchErrorEntry[]): void {
  batch.status = "failed";
  batch.failedMs = at;
  batch.phaseStartMs = at;
  batch.errors = errors;
}

/** Runs requests up to `untilLine` (all of them when undefined). */
export async function execute(
  ctx: EngineContext,
  batch: BatchRecord,
  untilLine: number | undefined,
  at: number,
): Promise<void> {
  const target = untilLine ?? batch.progress.total;
  if (batch.progress.done >= target) return;
  const result = await runLines({
    batchId: batch.id,
    endpoint: batch.endpoint,
    inputPath: ctx.disk.fileBlob(batch.inputFileId),
    outputPath: ctx.disk.workFile(batch.id, "output"),
    errorPath: ctx.disk.workFile(batch.id, "error"),
    progress: batch.progress,
    mode: { kind: "execute", untilLine: target, atMs: at },
    durable: ctx.disk.persistent,
    ...(ctx.requestFailure === undefined ? {} : { requestFailure: ctx.requestFailure }),
    tokens: ctx.tokens,
    deployments: ctx.profile.deployments,
  });
  batch.progress = result.progress;
  batch.usage.inputTokens += result.usage.inputTokens;
  batch.usage.outputTokens += result.usage.outputTokens;
}

/** Expires a batch: requests not run go to the error file as `batch_expired`. */
export async function expire(ctx: EngineContext, batch: BatchRecord, at: number): Promise<void> {
  if (batch.progress.validated && batch.progress.done < batch.progress.total) {
    const result = await runLines({
      batchId: batch.id,
      endpoint: batch.endpoint,
      inputPath: ctx.disk.fileBlob(batch.inputFileId),
      outputPath: ctx.disk.workFile(batch.id, "output"),
      errorPath: ctx.disk.workFile(batch.id, "error"),
      progress: batch.progress,
      mode: { kind: "expire" },
      durable: ctx.disk.persistent,
      tokens: ctx.tokens,
    });
    batch.progress = result.progress;
  }
  batch.status = "expired";
  batch.expiredMs = at;
  batch.phaseStartMs = at;
  await finish(ctx, batch, at);
}

/**
 * Ends a batch: publishes its output and error files (when they have lines) as files with purpose
 * `batch_output`, their lines in the emulator's output order, and lets go of its input file's
 * contents if that file was deleted meanwhile.
 */
export async function finish(ctx: EngineContext, batch: BatchRecord, at: number): Promise<void> {
  batch.stuck = false;
  const outputId = await publish(ctx, batch, "output", batch.progress.outputBytes, at);
  if (outputId !== undefined) batch.outputFileId = outputId;
  const errorId = await publish(ctx, batch, "error", batch.progress.errorBytes, at);
  if (errorId !== undefined) batch.errorFileId = errorId;
  await releaseBlobIfUnused(ctx, batch.inputFileId);
}

async function publish(
  ctx: EngineContext,
  batch: BatchRecord,
  kind: "output" | "error",
  bytes: number,
  at: number,
): Promise<string | undefined> {
  const work = ctx.disk.workFile(batch.id, kind);
  if (bytes === 0) {
    await rm(work, { force: true });
    return undefined;
  }
  // The lines were written as the requests ran, in input order; the API promises no order.
  await reorderLines(work, bytes, ctx.outputOrder, kind, ctx.disk.tempPath(), ctx.disk.persistent);
  const id = newId.file();
  await rename(work, ctx.disk.fileBlob(id));
  ctx.store.files.set(id, {
    id,
    seq: ctx.store.nextSeq(),
    bytes,
    createdMs: at,
    ...(batch.outputExpiresAfterSeconds !== undefined
      ? { expiresMs: at + batch.outputExpiresAfterSeconds * 1000 }
      : {}),
    filename: `${batch.id}_${kind}.jsonl`,
    purpose: "batch_output",
  });
  return id;
}

/** Whether a running batch still reads this file. */
export function blobInUse(ctx: EngineContext, fileId: string): boolean {
  for (const batch of ctx.store.batches.values()) {
    if (batch.inputFileId === fileId && !isTerminal(batch.status)) return true;
  }
  return false;
}

/** Deletes a file's contents once the file is deleted and no running batch reads it. */
export async function releaseBlobIfUnused(ctx: EngineContext, fileId: string): Promise<void> {
  if (ctx.store.files.has(fileId) || blobInUse(ctx, fileId)) return;
  await rm(ctx.disk.fileBlob(fileId), { force: true });
}
