import type { BatchCostEstimate, BatchErrorEntry, BatchInputs, BatchOutputs } from "../contract";
import { type BatchApiError, BatchWaitError, isBatchApiError, isBatchWaitError } from "../errors";
import { pollDelayMs } from "../policy/backoff";
import { type CreatedBatch, createBatch } from "./create";
import type { RuntimeDeps } from "./deps";
import type { BatchDiff } from "./diff";
import type { InFlightMarker } from "./in-flight";
import type { OpenAIBatchApi } from "./openai-api";
import { steeringOf } from "./state";

/**
 * The code of a batch the API failed because the enqueued-token limit for its model was full (on
 * OpenAI the organization's; on Azure the quota of the batch deployment). Messages name it
 * "the enqueued-token limit for the model", which is true of both.
 */
export const TOKEN_LIMIT_EXCEEDED = "token_limit_exceeded";

/** Whether a wait ended on a batch that failed only because the queue was full. */
export function failedOnFullQueue(error: unknown): boolean {
  return (
    isBatchWaitError(error) &&
    error.properties.status === "failed" &&
    (error.properties.errors ?? []).some((entry) => entry.code === TOKEN_LIMIT_EXCEEDED)
  );
}

/**
 * Whether the API refused the create itself because the queue was full: Azure's fail-fast regions
 * answer `batches.create` with HTTP 400 `token_limit_exceeded`, and no batch is made.
 */
export function refusedOnFullQueue(error: unknown): error is BatchApiError {
  // One that records what a failed clean-up left behind goes on as it is, for the host to record.
  return (
    isBatchApiError(error) &&
    error.status === 400 &&
    error.code === TOKEN_LIMIT_EXCEEDED &&
    error.properties === undefined
  );
}

/** Whether the state records a batch that the API failed only because the queue was full. */
export function recordedFullQueueFailure(state: Pick<BatchOutputs, "status" | "errors">): boolean {
  return (
    state.status === "failed" && (state.errors ?? []).some((entry) => entry.code === TOKEN_LIMIT_EXCEEDED)
  );
}

/**
 * The limit an API's `token_limit_exceeded` message names: OpenAI's "Limit: 2,000,000 enqueued
 * tokens", or Azure's "the configured limit of 30K for the deployment".
 */
function namedLimit(errors: readonly BatchErrorEntry[] | undefined): number | undefined {
  for (const entry of errors ?? []) {
    if (entry.code !== TOKEN_LIMIT_EXCEEDED) continue;
    const message = entry.message ?? "";
    const openai = /Limit:\s*([\d,]+)\s+enqueued tokens/i.exec(message);
    if (openai?.[1] !== undefined) return Number(openai[1].replaceAll(",", ""));
    const azure = /configured limit of\s*(\d[\d,]*(?:\.\d+)?)\s*([KMB]?)\b/i.exec(message);
    if (azure?.[1] !== undefined) {
      const scale = { "": 1, K: 1e3, M: 1e6, B: 1e9 }[(azure[2] ?? "").toUpperCase()] ?? 1;
      return Math.round(Number(azure[1].replaceAll(",", "")) * scale);
    }
  }
  return undefined;
}

/**
 * A batch that failed on a full queue although its own estimated input tokens are over the limit
 * the API named: it can never be queued, however long the queue drains, so it is neither created
 * again nor replaced. Undefined when the estimate or the limit is unknown.
 */
export function overLimitAlone(state: {
  estimate?: BatchCostEstimate | undefined;
  errors?: BatchErrorEntry[] | undefined;
}): { tokens: number; limit: number } | undefined {
  const tokens = state.estimate?.inputTokens;
  const limit = namedLimit(state.errors);
  if (tokens === undefined || limit === undefined || tokens <= limit) return undefined;
  return { tokens, limit };
}

/** What to say about a batch that alone is over the limit, and what to do. */
export function overLimitAloneNote(id: string, over: { tokens: number; limit: number }): string {
  const count = (n: number) => n.toLocaleString("en-US");
  return `batch ${id} failed with ${TOKEN_LIMIT_EXCEEDED}, and its estimated ${count(over.tokens)} input tokens are more than the enqueued-token limit for the model (${count(over.limit)}): it can never be queued, so it is not created again. Split the requests into smaller batches (a BatchSet with maxEnqueuedTokens: ${over.limit}), or raise the limit, then run \`pulumi up\`.`;
}

/**
 * For `diff`: a batch recorded as failed with `token_limit_exceeded` (a batch that did not wait,
 * seen failed by a refresh, or one whose wait ran out while the queue stayed full) is replaced by
 * the next `pulumi up`, under the same create token and so the same duplicate protection: the
 * queue being full is not a failure of the resource. The replace names `status`. Not a batch that
 * alone is over the limit (`overLimitAlone`): only a change of its input replaces it.
 */
export function replaceFullQueueFailure(olds: BatchOutputs, diff: BatchDiff): BatchDiff {
  if (!recordedFullQueueFailure(olds) || diff.replaces.length > 0 || overLimitAlone(olds) !== undefined) {
    return diff;
  }
  return { changes: true, replaces: ["status"], deleteBeforeReplace: false };
}

/** What a refresh that finds a batch failed on a full queue says (the logger's warning). */
export function fullQueueFailureNote(id: string): string {
  return `batch ${id} failed with ${TOKEN_LIMIT_EXCEEDED}: the enqueued-token limit for the model was full when the API validated it; the next \`pulumi up\` replaces it with a new batch (run it once other batches of the model have finished)`;
}

/**
 * Creates the batch as `createBatch` does and, when it waits for completion, rides out a full
 * queue: a batch that fails validation with `token_limit_exceeded`, or a create the API refuses
 * with it (Azure's fail fast: HTTP 400, no batch made), is not a failure of the resource. The
 * uploaded input file is deleted, and after a backoff (1 s, 2 s, 4 s, ... up to
 * `pollIntervalSeconds`) the batch is created again, under the same create token and the same
 * in-flight marker, until `waitTimeoutSeconds` (counted from the first attempt) runs out.
 * Without `waitForCompletion` the create returns at once, before the API has validated the batch;
 * a create refused on a full queue fails, saying what to do.
 */
export async function createThroughFullQueue(
  inputs: BatchInputs,
  api: OpenAIBatchApi,
  deps: RuntimeDeps,
  marker: InFlightMarker,
): Promise<CreatedBatch> {
  const steering = steeringOf(inputs);
  if (!steering.waitForCompletion) {
    try {
      return await createBatch(inputs, api, deps, marker);
    } catch (error) {
      throw refusedOnFullQueue(error) ? error.noting(refusalNote(inputs, error, undefined)) : error;
    }
  }
  const deadline = deps.now() + steering.waitTimeoutMs;
  for (let attempt = 0; ; attempt += 1) {
    // Each attempt waits only for what is left of the resource's one wait.
    const leftSeconds = Math.max(1, Math.ceil((deadline - deps.now()) / 1000));
    let created: CreatedBatch;
    try {
      created = await createBatch({ ...inputs, waitTimeoutSeconds: leftSeconds }, api, deps, marker);
    } catch (error) {
      if (refusedOnFullQueue(error)) {
        // No batch was made and the upload is gone: wait and create again, or say why not.
        const delay = pollDelayMs(attempt, steering.pollIntervalMs, deps.random());
        const over = overLimitAlone({ estimate: inputs.estimate, errors: [refusalEntry(error)] });
        if (over !== undefined || deps.now() + delay >= deadline) {
          throw error.noting(refusalNote(inputs, error, steering.waitTimeoutMs));
        }
        deps.log.warn(
          `the API refused to create the batch with ${TOKEN_LIMIT_EXCEEDED}: the enqueued-token limit for the model is full; creating it again in ${delay} ms`,
        );
        await deps.sleep(delay);
        continue;
      }
      if (!isBatchWaitError(error)) throw error;
      const restored = withInputs(error.properties, inputs);
      const delay = pollDelayMs(attempt, steering.pollIntervalMs, deps.random());
      if (!failedOnFullQueue(error)) {
        throw new BatchWaitError(error.id, restored, error.message);
      }
      const over = overLimitAlone({ estimate: inputs.estimate, errors: restored.errors });
      if (over !== undefined) {
        throw new BatchWaitError(
          error.id,
          restored,
          `${error.message} ${capitalised(overLimitAloneNote(error.id, over))}`,
        );
      }
      if (deps.now() + delay >= deadline) {
        throw new BatchWaitError(
          error.id,
          restored,
          `${error.message} The enqueued-token limit for the model stayed full for all of waitTimeoutSeconds (${steering.waitTimeoutMs / 1000} s); the next \`pulumi up\` replaces the batch (run it once other batches of the model have finished), or raise waitTimeoutSeconds.`,
        );
      }
      deps.log.warn(
        `batch ${error.id} failed with ${TOKEN_LIMIT_EXCEEDED}: the enqueued-token limit for the model is full; creating it again in ${delay} ms`,
      );
      await dropInputFile(restored, api, deps);
      await deps.sleep(delay);
      continue;
    }
    return { ...created, outs: withInputs(created.outs, inputs) };
  }
}

/** A refusal as the error entry a failed batch would carry, so that its named limit can be read. */
function refusalEntry(error: BatchApiError): BatchErrorEntry {
  return { code: TOKEN_LIMIT_EXCEEDED, message: error.apiMessage };
}

/**
 * What to do about a create refused on a full queue: split a batch that alone is over the limit;
 * otherwise run `pulumi up` again once other batches have finished, or let the resource wait
 * (`waitForCompletion`, which creates it again until `waitTimeoutSeconds`). `waitedMs` is the
 * wait that ran out, when the create waited.
 */
function refusalNote(inputs: BatchInputs, error: BatchApiError, waitedMs: number | undefined): string {
  const over = overLimitAlone({ estimate: inputs.estimate, errors: [refusalEntry(error)] });
  const count = (n: number) => n.toLocaleString("en-US");
  if (over !== undefined) {
    return `The batch's estimated ${count(over.tokens)} input tokens are more than the enqueued-token limit for the model (${count(over.limit)}): it can never be queued, so it is not created again. Split the requests into smaller batches (a BatchSet with maxEnqueuedTokens: ${over.limit}), or raise the limit, then run \`pulumi up\`.`;
  }
  if (waitedMs !== undefined) {
    return `No batch was made: the enqueued-token limit for the model stayed full for all of waitTimeoutSeconds (${waitedMs / 1000} s). Run \`pulumi up\` again once other batches of the model have finished, or raise waitTimeoutSeconds.`;
  }
  return "No batch was made: the enqueued-token limit for the model is full. Run `pulumi up` again once other batches of the model have finished, or set waitForCompletion: true so that the create waits for room and tries again.";
}

/** The outputs with the resource's own wait settings, not the shortened ones of a later attempt. */
function withInputs(outputs: BatchOutputs, inputs: BatchInputs): BatchOutputs {
  const restored = { ...outputs };
  if (inputs.waitTimeoutSeconds === undefined) {
    delete restored.waitTimeoutSeconds;
  } else {
    restored.waitTimeoutSeconds = inputs.waitTimeoutSeconds;
  }
  return restored;
}

/** Deletes the input file that the failed batch's create uploaded; a failure only warns. */
async function dropInputFile(outputs: BatchOutputs, api: OpenAIBatchApi, deps: RuntimeDeps): Promise<void> {
  if (!outputs.uploadedInputFile || outputs.inputFileId === undefined) return;
  try {
    await api.deleteFile(outputs.inputFileId);
  } catch (error) {
    deps.log.warn(`could not delete the input file ${outputs.inputFileId}: ${(error as Error).message}`);
  }
}

function capitalised(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}
