import type { BatchOutputs } from "../contract";
import { urnOfResourceKey } from "../diagnostics";
import { displayable, noun } from "../display";
import { BatchWaitError } from "../errors";
import { isTerminal } from "../policy/lifecycle";
import type { RuntimeDeps } from "./deps";
import type { OpenAIBatchApi } from "./openai-api";
import { composeOutputs, liveOutputsOf } from "./outputs";
import { progressOf } from "./progress";
import { steeringOf, tokenedInputsOf } from "./state";
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
        progress: progressOf(outputs, deps),
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
      : composeOutputs(tokenedInputsOf(outputs), liveOutputsOf(outcome.batch), outputs.uploadedInputFile);
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
    ? ` (${counts.completed} of ${counts.total} ${noun(counts.total, "request")} completed, ${counts.failed} failed)`
    : "";
  const replaceHint = replaceHintFor(outputs.resourceKey);
  switch (outputs.status) {
    case "failed": {
      const firstErrors = (outputs.errors ?? [])
        .slice(0, 5)
        .map(
          (e) =>
            `${e.line === undefined ? "" : `line ${e.line}: `}${withoutFinalPeriod(displayable(e.message ?? e.code ?? "error", 500))}`,
        )
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

function withoutFinalPeriod(text: string): string {
  return text.trim().replace(/[.\s]+$/, "");
}

/**
 * How to run the batch again, with the resource's URN (which follows from its key, also for a
 * child); when there is no key, the hint says where to find the URN instead.
 */
export function replaceHintFor(resourceKey: string | undefined): string {
  const urn = urnOfResourceKey(resourceKey);
  const command =
    urn === undefined
      ? "`pulumi up --replace <urn>` with this resource's URN (`pulumi stack --show-urns` lists them)"
      : `\`pulumi up --replace '${urn}'\``;
  return `Change the input (a new input replaces the batch) or run ${command} to run it again.`;
}
