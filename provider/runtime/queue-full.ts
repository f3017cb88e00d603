import type { BatchCostEstimate, BatchErrorEntry, BatchInputs, BatchOutputs } from "../contract";
import { BatchWaitError, isBatchWaitError } from "../errors";
import { pollDelayMs } from "../policy/backoff";
import { type CreatedBatch, createBatch } from "./create";
import type { RuntimeDeps } from "./deps";
import type { BatchDiff } from "./diff";
import type { InFlightMarker } from "./in-flight";
import type { OpenAIBatchApi } from "./openai-api";
import { steeringOf } from "./state";

/** The code of a batch the API failed because the organization's enqueued-token limit was full. */
export const TOKEN_LIMIT_EXCEEDED = "token_limit_exceeded";

/** Whether a wait ended on a batch that failed only because the queue was full. */
export function failedOnFullQueue(error: unknown): boolean {
  return (
    isBatchWaitError(error) &&
    error.properties.status === "failed" &&
    (error.properties.errors ?? []).some((entry) => entry.code === TOKEN_LIMIT_EXCEEDED)
  );
}

/** Whether the state records a batch that the API failed only because the queue was full. */
export function recordedFullQueueFailure(state: Pick<BatchOutputs, "status" | "errors">): boolean {
  return (
    state.status === "failed" && (state.errors ?? []).some((entry) => entry.code === TOKEN_LIMIT_EXCEEDED)
  );
}

/** The limit an API's `token_limit_exceeded` message names ("Limit: 2,000,000 enqueued tokens"). */
function namedLimit(errors: readonly BatchErrorEntry[] | undefined): number | undefined {
  for (const entry of errors ?? []) {
    if (entry.code !== TOKEN_LIMIT_EXCEEDED) continue;
    const found = /Limit:\s*([\d,]+)\s+enqueued tokens/i.exec(entry.message ?? "");
    if (found?.[1] !== undefined) return Number(found[1].replaceAll(",", ""));
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
  return `batch ${id} failed with ${TOKEN_LIMIT_EXCEEDED}, and its estimated ${count(over.tokens)} input tokens are more than the organization's enqueued-token limit for the model (${count(over.limit)}): it can never be queued, so it is not created again. Split the requests into smaller batches (a BatchSet with maxEnqueuedTokens: ${over.limit}), or raise the organization's limit, then run \`pulumi up\`.`;
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
  return `batch ${id} failed with ${TOKEN_LIMIT_EXCEEDED}: the organization's enqueued-token limit for the model was full when the API validated it; the next \`pulumi up\` replaces it with a new batch (run it once other batches of the model have finished)`;
}

/**
 * Creates the batch as `createBatch` does and, when it waits for completion, rides out a full
 * queue: a batch that fails validation with `token_limit_exceeded` is not a failure of the
 * resource. Its uploaded input file is deleted, and after a backoff (1 s, 2 s, 4 s, ... up to
 * `pollIntervalSeconds`) the batch is created again, under the same create token and the same
 * in-flight marker, until `waitTimeoutSeconds` (counted from the first attempt) runs out.
 * Without `waitForCompletion` the create returns at once, before the API has validated the batch.
 */
export async function createThroughFullQueue(
  inputs: BatchInputs,
  api: OpenAIBatchApi,
  deps: RuntimeDeps,
  marker: InFlightMarker,
): Promise<CreatedBatch> {
  const steering = steeringOf(inputs);
  if (!steering.waitForCompletion) {
    return createBatch(inputs, api, deps, marker);
  }
  const deadline = deps.now() + steering.waitTimeoutMs;
  for (let attempt = 0; ; attempt += 1) {
    // Each attempt waits only for what is left of the resource's one wait.
    const leftSeconds = Math.max(1, Math.ceil((deadline - deps.now()) / 1000));
    let created: CreatedBatch;
    try {
      created = await createBatch({ ...inputs, waitTimeoutSeconds: leftSeconds }, api, deps, marker);
    } catch (error) {
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
          `${error.message} The organization's enqueued-token limit for the model stayed full for all of waitTimeoutSeconds (${steering.waitTimeoutMs / 1000} s); the next \`pulumi up\` replaces the batch (run it once other batches of the model have finished), or raise waitTimeoutSeconds.`,
        );
      }
      deps.log.warn(
        `batch ${error.id} failed with ${TOKEN_LIMIT_EXCEEDED}: the organization's enqueued-token limit for the model is full; creating it again in ${delay} ms`,
      );
      await dropInputFile(restored, api, deps);
      await deps.sleep(delay);
      continue;
    }
    return { ...created, outs: withInputs(created.outs, inputs) };
  }
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
