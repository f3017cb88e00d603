import { randomUUID } from "node:crypto";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { type BatchInputs, type BatchOutputs, CREATE_TOKEN_METADATA_KEY } from "../contract";
import { type BatchApiError, isBatchApiError } from "../errors";
import { isLive } from "../policy/lifecycle";
import { isRetryableStatus, retryDelayMs } from "../policy/retry";
import { serializeRequests } from "../validation/jsonl/serialize";
import { resolveInputFile } from "./check";
import { awaitCompletion } from "./completion";
import type { RuntimeDeps } from "./deps";
import type { ApiBatch, ApiFile, OpenAIBatchApi, UploadBody } from "./openai-api";
import { composeOutputs, liveOutputsOf } from "./outputs";
import { steeringOf } from "./state";

/** A live batch made by an earlier attempt is looked for among the batches of the last 25 hours. */
const LOOKBACK_SECONDS = 25 * 3600;
/** Clocks differ: a batch or file made this long before the attempt began still counts as its own. */
const CLOCK_SLACK_SECONDS = 300;

/**
 * Uploads the input (unless a file id was given) and creates the batch, never leaving two live
 * batches for one resource: an earlier attempt's live batch (found by the create token in its
 * metadata) is adopted, and a create whose answer was lost is looked up before it is tried
 * again. When the create fails, or an earlier batch is adopted, the file just uploaded is deleted.
 */
export async function createBatch(
  inputs: BatchInputs,
  api: OpenAIBatchApi,
  deps: RuntimeDeps,
): Promise<{ id: string; outs: BatchOutputs }> {
  const token = inputs.createToken ?? randomUUID().replaceAll("-", "");
  const uploads = inputs.inputFileId === undefined;
  const startedAt = Math.floor(deps.now() / 1000);

  // The look-up for an earlier attempt's batch runs beside the upload, so it costs no time.
  const [earlier, upload] = await Promise.allSettled([
    api.findBatchByToken(token, startedAt - LOOKBACK_SECONDS, (batch) => isLive(batch.status)),
    uploads ? uploadInput(inputs, token, startedAt, api, deps) : Promise.resolve(undefined),
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
    return finish(earlier.value, inputs, uploads, api, deps);
  }
  if (upload.status === "rejected") {
    throw upload.reason;
  }
  const inputFileId = inputs.inputFileId ?? (uploadedFileId as string);
  let batch: ApiBatch;
  try {
    batch = await createOnce(inputs, inputFileId, token, startedAt, api, deps);
  } catch (error) {
    if (uploads) {
      await deleteQuietly(api, inputFileId, deps);
    }
    throw error;
  }
  return finish(batch, inputs, uploads, api, deps);
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
  token: string,
  startedAt: number,
  api: OpenAIBatchApi,
  deps: RuntimeDeps,
): Promise<ApiFile> {
  const { body, stem } = uploadBodyOf(inputs, deps);
  const filename = `${stem}.${token.slice(0, 16)}.jsonl`;
  const size = "bytes" in body ? body.bytes.length : (await stat(body.path)).size;
  return withLookup(
    () => api.uploadInputOnce(body, filename),
    () => api.findUploadedFile(filename, size, startedAt - CLOCK_SLACK_SECONDS),
    api,
    deps,
  );
}

function uploadBodyOf(inputs: BatchInputs, deps: RuntimeDeps): { body: UploadBody; stem: string } {
  if (inputs.inputFile !== undefined) {
    return {
      body: { path: resolveInputFile(inputs.inputFile, deps.cwd()) },
      stem: basename(inputs.inputFile).replace(/\.jsonl$/i, ""),
    };
  }
  return { body: { bytes: serializeRequests(inputs.requests ?? []) }, stem: "requests" };
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
    completionWindow: inputs.completionWindow ?? "24h",
    metadata: { ...inputs.metadata, [CREATE_TOKEN_METADATA_KEY]: token },
    ...(inputs.outputExpiresAfter ? { outputExpiresAfter: inputs.outputExpiresAfter } : {}),
  } as const;
  return withLookup(
    () => api.createBatchOnce(params),
    () => api.findBatchByToken(token, startedAt - CLOCK_SLACK_SECONDS, (batch) => isLive(batch.status)),
    api,
    deps,
  );
}

/**
 * Makes a call that must not be repeated blindly. After a failure that may have happened after
 * the work was done (a 5xx, a lost connection, a time-out), `lookup` checks whether it was; only
 * if not is the call made again, as often as the retry policy allows.
 */
async function withLookup<T>(
  call: () => Promise<T>,
  lookup: () => Promise<T | undefined>,
  api: OpenAIBatchApi,
  deps: RuntimeDeps,
): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (!isBatchApiError(error) || !isRetryableStatus(error.status)) {
        throw error;
      }
      const found = await lookup();
      if (found !== undefined) {
        deps.log.info(`${error.operation}: the failed call had done its work; using its result`);
        return found;
      }
      if (attempt >= api.maxRetries) {
        throw error;
      }
      await deps.sleep(retryDelayMs(attempt, retryFailureOf(error), deps.random()));
    }
  }
}

function retryFailureOf(error: BatchApiError) {
  return { status: error.status, retryAfterMs: error.retryAfterMs };
}

async function deleteQuietly(api: OpenAIBatchApi, fileId: string, deps: RuntimeDeps): Promise<void> {
  try {
    await api.deleteFile(fileId);
  } catch (error) {
    deps.log.warn(`could not delete the uploaded input file ${fileId}: ${(error as Error).message}`);
  }
}
