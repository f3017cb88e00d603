import type { BatchRecord, FileRecord, UploadPartRecord, UploadRecord } from "../store/records";

/**
 * The JSON objects of the API, built from the records. Fields the spec declares but that have no
 * value are left out (never null), in the order the real API sends them.
 */

const seconds = (ms: number): number => Math.floor(ms / 1000);

export function fileJson(file: FileRecord): Record<string, unknown> {
  return {
    id: file.id,
    object: "file",
    bytes: file.bytes,
    created_at: seconds(file.createdMs),
    ...(file.expiresMs !== undefined ? { expires_at: seconds(file.expiresMs) } : {}),
    filename: file.filename,
    purpose: file.purpose,
    status: "processed",
  };
}

export function batchJson(batch: BatchRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { id: batch.id, object: "batch", endpoint: batch.endpoint };
  if (batch.model !== undefined) out.model = batch.model;
  if (batch.errors !== undefined) {
    out.errors = {
      object: "list",
      data: batch.errors.map((e) => ({ code: e.code, message: e.message, param: e.param, line: e.line })),
    };
  }
  out.input_file_id = batch.inputFileId;
  out.completion_window = batch.completionWindow;
  out.status = batch.status;
  if (batch.outputFileId !== undefined) out.output_file_id = batch.outputFileId;
  if (batch.errorFileId !== undefined) out.error_file_id = batch.errorFileId;
  out.created_at = seconds(batch.createdMs);
  const times: [string, number | undefined][] = [
    ["in_progress_at", batch.inProgressMs],
    ["expires_at", batch.expiresMs],
    ["finalizing_at", batch.finalizingMs],
    ["completed_at", batch.completedMs],
    ["failed_at", batch.failedMs],
    ["expired_at", batch.expiredMs],
    ["cancelling_at", batch.cancellingMs],
    ["cancelled_at", batch.cancelledMs],
  ];
  for (const [key, ms] of times) {
    if (ms !== undefined) out[key] = seconds(ms);
  }
  out.request_counts = {
    total: batch.progress.total,
    completed: batch.progress.completed,
    failed: batch.progress.failed,
  };
  const usage = batch.usage;
  out.usage = {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cachedTokens },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
  if (batch.metadata !== undefined) out.metadata = batch.metadata;
  return out;
}

export function uploadJson(upload: UploadRecord, file: FileRecord | undefined): Record<string, unknown> {
  return {
    id: upload.id,
    object: "upload",
    bytes: upload.bytes,
    created_at: seconds(upload.createdMs),
    filename: upload.filename,
    purpose: upload.purpose,
    status: upload.status,
    expires_at: seconds(upload.expiresMs),
    ...(file !== undefined ? { file: fileJson(file) } : {}),
  };
}

export function partJson(uploadId: string, part: UploadPartRecord): Record<string, unknown> {
  return { id: part.id, object: "upload.part", created_at: seconds(part.createdMs), upload_id: uploadId };
}

/** A list object; `firstLast` adds first_id and last_id (as "" for an empty list, since the spec requires strings). */
export function listJson(
  data: Record<string, unknown>[],
  hasMore: boolean,
  firstLast: "always" | "when-any",
): Record<string, unknown> {
  const first = data[0]?.id;
  const last = data[data.length - 1]?.id;
  const ids =
    firstLast === "always"
      ? { first_id: typeof first === "string" ? first : "", last_id: typeof last === "string" ? last : "" }
      : typeof first === "string" && typeof last === "string"
        ? { first_id: first, last_id: last }
        : {};
  return { object: "list", data, ...ids, has_more: hasMore };
}
