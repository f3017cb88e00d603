import type { BatchOutputs } from "../contract";
import { BatchWaitError } from "../errors";
import { isTerminal } from "../policy/lifecycle";
import type { RuntimeDeps } from "./deps";
import type { OpenAIBatchApi } from "./openai-api";
import { composeOutputs, liveOutputsOf } from "./outputs";
import { ProgressReporter, resourceNameOf } from "./progress";
import { inputsOf, steeringOf } from "./state";
import { type WaitOutcome, waitForBatch } from "./wait";

/**
 * Waits until the batch finishes and returns the outputs of a completed batch. A batch that
 * failed, expired or was cancelled, or that is still running when the wait times out, becomes a
 * `BatchWaitError` that carries the id and the full outputs, so Pulumi records the batch rather
 * than losing it, and the next `pulumi up` resumes through `update`.
 */
export async function awaitCompletion(
  api: OpenAIBatchApi,
  id: string,
  outputs: BatchOutputs,
  deps: RuntimeDeps,
): Promise<BatchOutputs> {
  const steering = steeringOf(outputs);
  let outcome: WaitOutcome;
  try {
    outcome = await waitForBatch(
      api,
      id,
      {
        timeoutMs: steering.waitTimeoutMs,
        pollIntervalMs: steering.pollIntervalMs,
        done: isTerminal,
        progress: new ProgressReporter(deps.progress, resourceNameOf(outputs.resourceKey)),
      },
      deps,
    );
  } catch (error) {
    // The batch exists whatever went wrong while following it: it must stay in the state.
    throw new BatchWaitError(
      id,
      outputs,
      `Could not follow batch ${id}: ${(error as Error).message} The batch is recorded in the state; the next \`pulumi up\` resumes the wait.`,
    );
  }
  if (outcome.kind === "gone") {
    throw new BatchWaitError(
      id,
      outputs,
      `Batch ${id} no longer exists in the OpenAI API. Run \`pulumi refresh\` to drop it from the state, then \`pulumi up\` to create a new one.`,
    );
  }
  const latest =
    outcome.batch === undefined
      ? outputs
      : composeOutputs(inputsOf(outputs), liveOutputsOf(outcome.batch), outputs.uploadedInputFile);
  if (outcome.kind === "timedOut") {
    throw new BatchWaitError(
      id,
      latest,
      `Batch ${id} is still ${latest.status} after waiting ${steering.waitTimeoutMs / 1000} s (waitTimeoutSeconds). It keeps running, and it is recorded in the state: the next \`pulumi up\` resumes the wait. Raise waitTimeoutSeconds, or set waitForCompletion to false to stop waiting.`,
    );
  }
  return requireCompleted(id, latest);
}

/** The outputs when the batch completed; otherwise the `BatchWaitError` that explains what happened. */
export function requireCompleted(id: string, outputs: BatchOutputs): BatchOutputs {
  if (outputs.status === "completed") {
    return outputs;
  }
  throw new BatchWaitError(id, outputs, unsuccessfulReason(id, outputs));
}

function unsuccessfulReason(id: string, outputs: BatchOutputs): string {
  const counts = outputs.requestCounts;
  const progress = counts
    ? ` (${counts.completed} of ${counts.total} requests completed, ${counts.failed} failed)`
    : "";
  const replaceHint =
    "Change the input (a new input replaces the batch) or run `pulumi up --replace` on this resource to run it again.";
  switch (outputs.status) {
    case "failed": {
      const firstErrors = (outputs.errors ?? [])
        .slice(0, 5)
        .map((e) => `${e.line === undefined ? "" : `line ${e.line}: `}${e.message ?? e.code ?? "error"}`)
        .join("; ");
      return `Batch ${id} failed${firstErrors ? `: ${firstErrors}` : ""}. ${replaceHint}`;
    }
    case "expired":
      return `Batch ${id} expired before it completed${progress}; outputFileId and errorFileId hold the partial results. ${replaceHint}`;
    case "cancelled":
    case "cancelling":
      return `Batch ${id} was cancelled${progress}. ${replaceHint}`;
    default:
      return `Batch ${id} is ${outputs.status ?? "in an unknown status"}${progress}.`;
  }
}
