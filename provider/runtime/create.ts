import { randomUUID } from "node:crypto";
import { type BatchInputs, type BatchOutputs, CREATE_TOKEN_METADATA_KEY, DEFAULTS } from "../contract";
import { interruptedCreate } from "../policy/in-flight";
import { awaitCompletion } from "./completion";
import type { RuntimeDeps } from "./deps";
import type { InFlightMarker } from "./in-flight";
import type { ApiBatch, ApiFile, OpenAIBatchApi } from "./openai-api";
import { composeOutputs, liveOutputsOf } from "./outputs";
import { removeOwnUploadsQuietly, uploadFilename } from "./own-uploads";
import { recordedUnknownOutcome } from "./pending";
import { OutcomeUnknownError, retrying } from "./retrying";
import { steeringOf } from "./state";
import { type PreparedUpload, prepareUpload } from "./upload-body";

/** Batches an earlier create of the resource made are looked for among those of the last 25 hours. */
const LOOKBACK_SECONDS = 25 * 3600;
/** Clocks differ: a batch or file made this long before the attempt began still counts as its own. */
const CLOCK_SLACK_SECONDS = 300;

export interface CreatedBatch {
  id: string;
  outs: BatchOutputs;
  /** True when the batch is one an earlier, interrupted create made. */
  adopted: boolean;
}

/**
 * Uploads the input (unless a file id was given) and creates the batch, never making a second
 * batch for a create that was interrupted: a batch that carries the create token (in its
 * metadata) and was made by a create that never returned (its in-flight marker is still there) is
 * adopted, whatever its status; one made by a create that returned is not, so that a deliberate
 * re-run makes a new batch (policy/in-flight.ts). A create whose answer was lost is looked up
 * before it is tried again. When the create fails, or an earlier batch is adopted, the file just
 * uploaded is deleted. When a failure may have left a batch or a file behind (an outcome nobody
 * knows, or a clean-up that failed), the error records the resource under a placeholder id that
 * carries the create token, so that nothing runs or stays untracked. `marker` is uploaded before
 * the batch is created; the caller deletes it (see in-flight.ts).
 */
export async function createBatch(
  inputs: BatchInputs,
  api: OpenAIBatchApi,
  deps: RuntimeDeps,
  marker: InFlightMarker,
): Promise<CreatedBatch> {
  const token = inputs.createToken ?? randomUUID().replaceAll("-", "");
  const uploads = inputs.inputFileId === undefined;
  const startedAt = Math.floor(deps.now() / 1000);
  const leftBehind = (error: unknown, inputFileId?: string) =>
    recordedUnknownOutcome(error, token, inputs, inputFileId ?? inputs.inputFileId, uploads);

  // The look-up for the batches of earlier creates and the in-flight marker go beside the upload,
  // so they cost no time; the marker goes once the input is known to be the one checked, and is up
  // before the batch is made.
  const preparing = uploads ? prepareUpload(inputs, deps.cwd()) : Promise.resolve(undefined);
  const [earlier, upload, marked] = await Promise.allSettled([
    api.listBatchesByToken(token, startedAt - LOOKBACK_SECONDS),
    preparing.then((prepared) =>
      prepared === undefined ? undefined : uploadInput(prepared, token, startedAt, api, deps),
    ),
    preparing.then(() => marker.ensure()),
  ]);
  const uploadedFileId = upload.status === "fulfilled" ? upload.value?.id : undefined;
  const uploadUnknown = upload.status === "rejected" && upload.reason instanceof OutcomeUnknownError;
  /** Deletes the file just uploaded; true when no upload of this attempt may be left. */
  const dropUpload = async () =>
    uploadedFileId === undefined ? !uploadUnknown : deleteQuietly(api, uploadedFileId, deps);
  /**
   * The error of a create that made no batch: the file just uploaded and the in-flight marker
   * are deleted; when either may be left, the resource is recorded under the placeholder instead.
   */
  const failedClean = async (error: unknown): Promise<unknown> => {
    const uploadGone = await dropUpload();
    const markerGone = await marker.release();
    return uploadGone && markerGone ? error : leftBehind(error, uploadGone ? undefined : uploadedFileId);
  };
  if (upload.status === "rejected" && upload.reason instanceof OutcomeUnknownError) {
    // The file may have been uploaded: record it, so that a later step deletes it (and the marker).
    throw leftBehind(upload.reason.error);
  }
  const failure = [earlier, upload, marked].find((outcome) => outcome.status === "rejected");
  if (failure !== undefined) {
    const reason: unknown = failure.reason;
    throw await failedClean(reason instanceof OutcomeUnknownError ? reason.error : reason);
  }
  const batches = (earlier as PromiseFulfilledResult<ApiBatch[]>).value;
  // The files are listed, for the markers of other creates, only when a batch carries the token.
  let files: ApiFile[] = [];
  if (batches.length > 0) {
    try {
      files = await api.listBatchFiles();
    } catch (error) {
      throw await failedClean(error);
    }
  }
  const interrupted = interruptedCreate(token, batches, files, marker.ours());
  if (interrupted !== undefined) {
    const { batch } = interrupted;
    marker.claim(interrupted.markers);
    await dropUpload();
    deps.log.info(`adopting batch ${batch.id} (${batch.status}), which an interrupted create made`);
    // The earlier attempts may have left uploads that no batch uses.
    await removeOwnUploadsQuietly(api, token, { keep: new Set([batch.input_file_id]) }, deps);
    return { ...(await finish(batch, inputs, uploads, api, deps)), adopted: true };
  }
  const inputFileId = inputs.inputFileId ?? uploadedFileId;
  if (inputFileId === undefined) {
    throw new RangeError("no input file: neither inputFileId nor an upload");
  }
  let batch: ApiBatch;
  try {
    const known = new Set(batches.map((b) => b.id));
    batch = await createOnce(inputs, inputFileId, token, startedAt, known, api, deps);
  } catch (error) {
    if (error instanceof OutcomeUnknownError) {
      // The batch may exist and read this file: keep it, and record both in the state.
      deps.log.warn(`kept the uploaded input file ${inputFileId}: the batch may have been created`);
      throw leftBehind(error.error, inputFileId);
    }
    throw await failedClean(error);
  }
  return { ...(await finish(batch, inputs, uploads, api, deps)), adopted: false };
}

async function finish(
  batch: ApiBatch,
  inputs: BatchInputs,
  uploadedInputFile: boolean,
  api: OpenAIBatchApi,
  deps: RuntimeDeps,
): Promise<{ id: string; outs: BatchOutputs }> {
  const outs = composeOutputs(inputs, liveOutputsOf(batch), uploadedInputFile);
  if (!steeringOf(inputs).waitForCompletion) {
    return { id: batch.id, outs };
  }
  return { id: batch.id, outs: await awaitCompletion(api, batch.id, outs, deps) };
}

async function uploadInput(
  { body, stem, size }: PreparedUpload,
  token: string,
  startedAt: number,
  api: OpenAIBatchApi,
  deps: RuntimeDeps,
): Promise<ApiFile> {
  // A name of this attempt's own, so that the look-up after a failed upload finds only its file,
  // and tied to the resource's create token, so that a later step finds it if it is left over.
  const filename = uploadFilename(stem, token);
  return retrying(
    () => api.uploadInputOnce(body, filename),
    {
      maxRetries: api.maxRetries,
      recover: () => api.findUploadedFile(filename, size, startedAt - CLOCK_SLACK_SECONDS),
    },
    deps,
  );
}

/**
 * Creates the batch, once: after a failure that may have come after the work, the batch this
 * attempt made is looked for by its token, among those that were not there before (`known`), in
 * any status (a small batch may have finished already).
 */
async function createOnce(
  inputs: BatchInputs,
  inputFileId: string,
  token: string,
  startedAt: number,
  known: ReadonlySet<string>,
  api: OpenAIBatchApi,
  deps: RuntimeDeps,
): Promise<ApiBatch> {
  const params = {
    inputFileId,
    endpoint: inputs.endpoint,
    completionWindow: inputs.completionWindow ?? DEFAULTS.completionWindow,
    metadata: { ...inputs.metadata, [CREATE_TOKEN_METADATA_KEY]: token },
    ...(inputs.outputExpiresAfter ? { outputExpiresAfter: inputs.outputExpiresAfter } : {}),
  } as const;
  return retrying(
    () => api.createBatchOnce(params),
    {
      maxRetries: api.maxRetries,
      recover: () =>
        api.findBatchByToken(token, startedAt - CLOCK_SLACK_SECONDS, (batch) => !known.has(batch.id)),
    },
    deps,
  );
}

/** Deletes a file this create uploaded; false (and a warning) when that failed. */
async function deleteQuietly(api: OpenAIBatchApi, fileId: string, deps: RuntimeDeps): Promise<boolean> {
  try {
    await api.deleteFile(fileId);
    return true;
  } catch (error) {
    deps.log.warn(`could not delete the uploaded input file ${fileId}: ${(error as Error).message}`);
    return false;
  }
}
