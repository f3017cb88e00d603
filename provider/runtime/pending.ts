import type { BatchInputs, BatchOutputs } from "../contract";
import { type BatchApiError, isBatchApiError } from "../errors";
import { isLive } from "../policy/lifecycle";
import type { RuntimeDeps } from "./deps";
import type { OpenAIBatchApi } from "./openai-api";
import { composeOutputs, liveOutputsOf } from "./outputs";
import { removeOwnUploads } from "./own-uploads";
import type { ReadOutcome } from "./read";
import { inputsOf, steeringOf, tokenedInputsOf } from "./state";

/**
 * A create whose outcome is unknown (its answer was lost and the look-up after it failed too) is
 * recorded in the state under a placeholder id that carries the create token: `pending:<token>`.
 * Every later step of the resource looks the batch up by that token: `refresh` adopts it, a
 * `pulumi up` replaces it (with the same inputs the replacement adopts it, whatever its status:
 * the create's in-flight marker is kept for that, see in-flight.ts), and a delete cancels it.
 * Nothing made under an unknown outcome runs untracked.
 */
const PENDING_PREFIX = "pending:";

/** Batches made by a create are looked for among those of the last 25 hours. */
const LOOKBACK_SECONDS = 25 * 3600;

export function pendingIdOf(token: string): string {
  return `${PENDING_PREFIX}${token}`;
}

/** The create token of a placeholder id; undefined for the id of a real batch. */
export function tokenOfPendingId(id: string): string | undefined {
  return id.startsWith(PENDING_PREFIX) ? id.slice(PENDING_PREFIX.length) : undefined;
}

/**
 * The error of a create that may have left a batch or a file behind, recording the resource in
 * the state under its placeholder id. An error that is not the API's is returned as it is.
 */
export function recordedUnknownOutcome(
  error: unknown,
  token: string,
  inputs: BatchInputs,
  inputFileId: string | undefined,
  uploaded: boolean,
): unknown {
  if (!isBatchApiError(error)) {
    return error;
  }
  const id = pendingIdOf(token);
  const properties = composeOutputs(
    { ...inputs, createToken: token },
    inputFileId === undefined ? {} : { inputFileId },
    uploaded && inputFileId !== undefined,
  );
  return (error as BatchApiError).recording({
    id,
    properties,
    note: `The batch may have been created: the resource is recorded in the state as ${id}, and the next \`pulumi up\`, \`pulumi refresh\` or \`pulumi destroy\` looks the batch up by its create token and adopts, replaces or cancels it.`,
  });
}

/**
 * Refresh of a placeholder: the newest batch carrying the token takes its place (Pulumi records
 * the new id); when there is none, the uploads and in-flight markers made for it are deleted and
 * the resource is dropped from the state.
 */
export async function readPending(
  token: string,
  state: BatchOutputs,
  api: OpenAIBatchApi,
  deps: RuntimeDeps,
): Promise<ReadOutcome> {
  const [batch] = await api.listBatchesByToken(token, sinceSeconds(deps));
  if (batch === undefined) {
    await removeOwnUploads(api, token, { markers: true }, deps);
    return { id: "" };
  }
  const inputs = inputsOf(state);
  return {
    id: batch.id,
    props: composeOutputs(
      { ...tokenedInputsOf(state), createToken: token },
      liveOutputsOf(batch),
      state.uploadedInputFile,
    ),
    inputs,
  };
}

/**
 * Delete of a placeholder: every batch carrying the token is cancelled if it may still run (with
 * `cancelOnDelete`), except those in `ownedElsewhere` (adopted by the resource that replaces this
 * one), and then every upload made for it that no remaining batch uses is deleted, and so are
 * the in-flight markers of its token.
 */
export async function deletePending(
  token: string,
  state: BatchOutputs,
  api: OpenAIBatchApi,
  deps: RuntimeDeps,
  ownedElsewhere: ReadonlySet<string>,
): Promise<void> {
  const { cancelOnDelete, deleteInputFileOnDelete } = steeringOf(state);
  const released = new Set<string>();
  for (const batch of await api.listBatchesByToken(token, sinceSeconds(deps))) {
    if (ownedElsewhere.has(batch.id)) {
      deps.log.warn(`batch ${batch.id} is kept: the resource that replaces this one adopted it`);
      continue;
    }
    if (isLive(batch.status) && !cancelOnDelete) {
      deps.log.warn(`batch ${batch.id} is left running (cancelOnDelete is false), and so is its input file`);
      continue;
    }
    if (isLive(batch.status)) {
      await api.cancelBatch(batch.id);
      deps.log.info(`cancelled batch ${batch.id}, created under an unknown outcome`);
    }
    released.add(batch.id);
  }
  // With deleteInputFileOnDelete off, the input file of every batch stays; only unused uploads go.
  await removeOwnUploads(
    api,
    token,
    { release: deleteInputFileOnDelete ? released : new Set(), markers: true },
    deps,
  );
}

function sinceSeconds(deps: RuntimeDeps): number {
  return Math.floor(deps.now() / 1000) - LOOKBACK_SECONDS;
}
