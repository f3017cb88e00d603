import type { BatchOutputs } from "../contract";
import { isLive } from "../policy/lifecycle";
import type { RuntimeDeps } from "./deps";
import type { OpenAIBatchApi } from "./openai-api";
import { removeOwnUploads } from "./own-uploads";
import { cancelProgressOf } from "./progress";
import { steeringOf } from "./state";
import { waitForBatch } from "./wait";

/**
 * Cancels the batch if it may still be running (with `cancelOnDelete`), waits for `cancelled`
 * when the resource waits for completion too, and deletes the input file when this resource
 * uploaded it (with `deleteInputFileOnDelete`), unless the batch was left running. Then it deletes
 * the other uploads made for the resource (found by the create token in their names) that no
 * batch uses, the leftovers of attempts whose outcome was unknown, and the in-flight markers of
 * its creates that did not return or could not delete theirs. A batch that has already
 * finished, or that the API no longer knows, counts as deleted; so does a file that is already gone.
 */
export async function deleteBatch(
  id: string,
  state: BatchOutputs,
  api: OpenAIBatchApi,
  deps: RuntimeDeps,
): Promise<void> {
  const steering = steeringOf(state);
  if (steering.cancelOnDelete && isLive(state.status)) {
    const cancelled = await api.cancelBatch(id);
    if (cancelled !== undefined && isLive(cancelled.status) && steering.waitForCompletion) {
      const outcome = await waitForBatch(
        api,
        id,
        {
          timeoutMs: steering.waitTimeoutMs,
          pollIntervalMs: steering.pollIntervalMs,
          done: (status) => !isLive(status),
          progress: cancelProgressOf(state, deps),
        },
        deps,
      );
      if (outcome.kind === "timedOut") {
        deps.log.warn(
          `batch ${id} is still ${outcome.batch?.status ?? "cancelling"}; the API goes on cancelling it`,
        );
      }
    }
  }
  const leftRunning = !steering.cancelOnDelete && isLive(state.status);
  if (steering.deleteInputFileOnDelete && state.uploadedInputFile && state.inputFileId !== undefined) {
    if (leftRunning) {
      deps.log.warn(`batch ${id} may still be running, so its input file ${state.inputFileId} is kept`);
    } else {
      await api.deleteFile(state.inputFileId);
    }
  }
  if (state.createToken !== undefined) {
    // A resource given an inputFileId uploads nothing but its creates' in-flight markers.
    const keepInput = leftRunning || !steering.deleteInputFileOnDelete || !state.uploadedInputFile;
    await removeOwnUploads(
      api,
      state.createToken,
      {
        keep: new Set(keepInput && state.inputFileId !== undefined ? [state.inputFileId] : []),
        release: new Set(keepInput ? [] : [id]),
        markers: true,
      },
      deps,
    );
  }
}
