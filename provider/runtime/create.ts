import { randomUUID } from "node:crypto";
import { type BatchInputs, type BatchOutputs, CREATE_TOKEN_METADATA_KEY, DEFAULTS } from "../contract";
import { phaseOf } from "../policy/lifecycle";
import { awaitCompletion } from "./completion";
import type { RuntimeDeps } from "./deps";
import type { ApiBatch, ApiFile, OpenAIBatchApi } from "./openai-api";
import { composeOutputs, liveOutputsOf } from "./outputs";
import { OutcomeUnknownError, retrying } from "./retrying";
import { steeringOf } from "./state";
import { prepareUpload } from "./upload-body";

/** A live batch made by an earlier attempt is looked for among the batches of the last 25 hours. */
const LOOKBACK_SECONDS = 25 * 3600;
/** Clocks differ: a batch or file made this long before the attempt began still counts as its own. */
const CLOCK_SLACK_SECONDS = 300;

/**
 * Only a batch that is still running is adopted: a finished one, or one being cancelled (the
 * old batch of a delete-before-replace), is never taken for the batch this create must make.
 */
const isRunning = (batch: ApiBatch): boolean => phaseOf(batch.status) === "running";

export interface CreatedBatch {
  id: string;
  outs: BatchOutputs;
  /** True when the batch is one an earlier, interrupted attempt made. */
  adopted: boolean;
}

/**
 * Uploads the input (unless a file id was given) and creates the batch, never leaving two live
 * batches for one resource: a running batch that an earlier, interrupted attempt made (found by
 * the create token in its metadata) is adopted, and a create whose answer was lost is looked up
 * before it is tried again. When the create fails, or an earlier batch is adopted, the file just
 * uploaded is deleted.
 */
export async function createBatch(
  inputs: BatchInputs,
  api: OpenAIBatchApi,
  deps: RuntimeDeps,
): Promise<CreatedBatch> {
  const token = inputs.createToken ?? randomUUID().replaceAll("-", "");
  const uploads = inputs.inputFileId === undefined;
  const startedAt = Math.floor(deps.now() / 1000);

  // The look-up for an earlier attempt's batch runs beside the upload, so it costs no time.
  const [earlier, upload] = await Promise.allSettled([
    api.findBatchByToken(token, startedAt - LOOKBACK_SECONDS, isRunning),
    uploads ? uploadInput(inputs, startedAt, api, deps) : Promise.resolve(undefined),
  ]);
  const uploadedFileId = upload.status === "fulfilled" ? upload.value?.id : undefined;
  const dropUpload = () =>
    uploadedFileId === undefined ? Promise.resolve() : deleteQuietly(api, uploadedFileId, deps);
  if (earlier.status === "rejected") {
    await dropUpload();
    throw earlier.reason;
  }
  if (earlier.value !== undefined) {
    await dropUpload();
    deps.log.info(`adopting batch ${earlier.value.id}, which an earlier attempt created`);
    return { ...(await finish(earlier.value, inputs, uploads, api, deps)), adopted: true };
  }
  if (upload.status === "rejected") {
    throw upload.reason;
  }
  const inputFileId = inputs.inputFileId ?? uploadedFileId;
  if (inputFileId === undefined) {
    throw new RangeError("no input file: neither inputFileId nor an upload");
  }
  let batch: ApiBatch;
  try {
    batch = await createOnce(inputs, inputFileId, token, startedAt, api, deps);
  } catch (error) {
    if (error instanceof OutcomeUnknownError) {
      // The batch may exist and read this file: keep it.
      deps.log.warn(`kept the uploaded input file ${inputFileId}: the batch may have been created`);
      throw error.error;
    }
    if (uploads) {
      await deleteQuietly(api, inputFileId, deps);
    }
    throw error;
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
  inputs: BatchInputs,
  startedAt: number,
  api: OpenAIBatchApi,
  deps: RuntimeDeps,
): Promise<ApiFile> {
  const { body, stem, size } = await prepareUpload(inputs, deps.cwd());
  // A name of this attempt's own, so that the look-up after a failed upload finds only its file.
  const filename = `${stem}.${randomUUID().replaceAll("-", "").slice(0, 16)}.jsonl`;
  try {
    return await retrying(
      () => api.uploadInputOnce(body, filename),
      {
        maxRetries: api.maxRetries,
        recover: () => api.findUploadedFile(filename, size, startedAt - CLOCK_SLACK_SECONDS),
      },
      deps,
    );
  } catch (error) {
    throw error instanceof OutcomeUnknownError ? error.error : error;
  }
}

async function createOnce(
  inputs: BatchInputs,
  inputFileId: string,
  token: string,
  startedAt: number,
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
      recover: () => api.findBatchByToken(token, startedAt - CLOCK_SLACK_SECONDS, isRunning),
    },
    deps,
  );
}

async function deleteQuietly(api: OpenAIBatchApi, fileId: string, deps: RuntimeDeps): Promise<void> {
  try {
    await api.deleteFile(fileId);
  } catch (error) {
    deps.log.warn(`could not delete the uploaded input file ${fileId}: ${(error as Error).message}`);
  }
}
