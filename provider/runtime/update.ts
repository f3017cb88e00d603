import type { BatchInputs, BatchOutputs } from "../contract";
import { isTerminal } from "../policy/lifecycle";
import { awaitCompletion, requireCompleted } from "./completion";
import { createTokenOf } from "./create-token";
import type { RuntimeDeps } from "./deps";
import type { OpenAIBatchApi } from "./openai-api";
import { composeOutputs, liveOutputsFromState } from "./outputs";
import { removeOwnUploadsQuietly } from "./own-uploads";
import { steeringOf } from "./state";

/**
 * Applies in-place changes (settings that only steer the provider) and, with
 * `waitForCompletion`, resumes the wait for a batch that is still running: this is how a
 * `pulumi up` after a timed-out wait picks the batch up again. It calls no API unless it has to
 * wait, and it always returns the full outputs, because an update that returns less wipes state.
 * A resumed wait first deletes the resource's uploads that no batch uses (the leftovers of
 * earlier attempts), as a delete does.
 */
export async function updateBatch(
  id: string,
  olds: BatchOutputs,
  news: BatchInputs,
  api: () => OpenAIBatchApi,
  deps: RuntimeDeps,
): Promise<BatchOutputs> {
  // The batch keeps the token it was made with (an older release's state also has it among its inputs).
  const token = olds.createToken ?? createTokenOf(news);
  const inputs = token === undefined ? news : { ...news, createToken: token };
  const outs = composeOutputs(inputs, liveOutputsFromState(olds), olds.uploadedInputFile);
  if (!steeringOf(news).waitForCompletion) {
    return outs;
  }
  if (isTerminal(outs.status)) {
    return requireCompleted(id, outs);
  }
  if (olds.createToken !== undefined && olds.uploadedInputFile) {
    const keep = new Set(outs.inputFileId === undefined ? [] : [outs.inputFileId]);
    await removeOwnUploadsQuietly(api(), olds.createToken, { keep }, deps);
  }
  return awaitCompletion(api(), id, outs, deps);
}
