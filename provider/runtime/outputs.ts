import {
  type BatchErrorEntry,
  type BatchInputs,
  type BatchLiveOutputs,
  type BatchOutputs,
  type BatchStatus,
  type BatchUsage,
  CREATE_TOKEN_METADATA_KEY,
  LIVE_OUTPUT_NAMES,
  STATE_VERSION,
} from "../contract";
import { costOfUsage } from "../cost/actual";
import type { ApiBatch } from "./openai-api";

/**
 * What the API says about a batch, as outputs. Fields the API leaves out (or sends as null) are
 * left out, so that the outputs are plain JSON that the dynamic-provider host can send.
 */
export function liveOutputsOf(batch: ApiBatch): BatchLiveOutputs {
  const live: BatchLiveOutputs = {
    status: batch.status as BatchStatus,
    inputFileId: batch.input_file_id,
  };
  setIfPresent(live, "outputFileId", batch.output_file_id);
  setIfPresent(live, "errorFileId", batch.error_file_id);
  if (batch.request_counts) {
    live.requestCounts = {
      total: batch.request_counts.total,
      completed: batch.request_counts.completed,
      failed: batch.request_counts.failed,
    };
  }
  const errors = batch.errors?.data;
  if (errors && errors.length > 0) {
    live.errors = errors.map(errorEntryOf);
  }
  setIfPresent(live, "createdAt", batch.created_at);
  setIfPresent(live, "inProgressAt", batch.in_progress_at);
  setIfPresent(live, "finalizingAt", batch.finalizing_at);
  setIfPresent(live, "completedAt", batch.completed_at);
  setIfPresent(live, "failedAt", batch.failed_at);
  setIfPresent(live, "expiredAt", batch.expired_at);
  setIfPresent(live, "expiresAt", batch.expires_at);
  setIfPresent(live, "cancellingAt", batch.cancelling_at);
  setIfPresent(live, "cancelledAt", batch.cancelled_at);
  setIfPresent(live, "model", batch.model);
  if (batch.usage) {
    live.usage = plainJson(batch.usage) as BatchUsage;
  }
  return live;
}

/** The user's metadata of a batch: what the API holds, less the create token. */
export function userMetadataOf(batch: ApiBatch): Record<string, string> | undefined {
  const entries = Object.entries(batch.metadata ?? {}).filter(([key]) => key !== CREATE_TOKEN_METADATA_KEY);
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

/** The full outputs: the inputs, what the API says, and what the provider did. Plain JSON. */
export function composeOutputs(
  inputs: BatchInputs,
  live: BatchLiveOutputs,
  uploadedInputFile: boolean,
): BatchOutputs {
  const costUsd =
    live.usage === undefined
      ? undefined
      : costOfUsage(live.model ?? inputs.estimate?.model, live.usage, inputs.prices);
  return plainJson({
    ...inputs,
    ...live,
    ...(costUsd === undefined ? {} : { costUsd }),
    stateVersion: STATE_VERSION,
    uploadedInputFile,
  }) as BatchOutputs;
}

/** The live fields of outputs already in the state (for an update that calls no API). */
export function liveOutputsFromState(state: BatchOutputs): BatchLiveOutputs {
  return plainJson(
    Object.fromEntries(LIVE_OUTPUT_NAMES.map((name) => [name, state[name]])),
  ) as BatchLiveOutputs;
}

function errorEntryOf(
  error: NonNullable<ApiBatch["errors"]>["data"] extends (infer E)[] | undefined ? E : never,
): BatchErrorEntry {
  const entry: BatchErrorEntry = {};
  setIfPresent(entry, "code", error.code);
  setIfPresent(entry, "message", error.message);
  setIfPresent(entry, "line", error.line);
  setIfPresent(entry, "param", error.param);
  return entry;
}

function setIfPresent<T extends object, K extends keyof T>(
  target: T,
  key: K,
  value: T[K] | null | undefined,
): void {
  if (value !== null && value !== undefined) {
    target[key] = value;
  }
}

/** Drops `undefined` (which the host cannot send) and turns anything exotic into JSON. */
export function plainJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
