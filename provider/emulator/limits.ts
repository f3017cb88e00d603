/** Limits of the real service that the emulator enforces, and its own request-size limits. */
export const LIMITS = {
  /** Largest input file the Batch API accepts. */
  maxBatchFileBytes: 200 * 1024 * 1024,
  /** Largest file the Files API accepts. */
  maxFileBytes: 512 * 1024 * 1024,
  /** Most requests (lines) in one batch. */
  maxBatchLines: 50_000,
  /** Most embedding inputs across one /v1/embeddings batch. */
  maxEmbeddingInputs: 50_000,
  /** Largest part of an Upload. */
  maxUploadPartBytes: 64 * 1024 * 1024,
  /** Largest Upload. */
  maxUploadBytes: 8 * 1024 * 1024 * 1024,
  /** Largest JSON request body the emulator reads. */
  maxJsonBodyBytes: 1024 * 1024,
  /** Largest non-file field of a multipart body. */
  maxMultipartFieldBytes: 64 * 1024,
  /** Most parts in one multipart body. */
  maxMultipartParts: 16,
  /** Most errors a failed validation reports. */
  maxValidationErrors: 100,
  metadataMaxKeys: 16,
  metadataMaxKeyLength: 64,
  metadataMaxValueLength: 512,
  minExpirySeconds: 3_600,
  maxExpirySeconds: 2_592_000,
  /** Files with purpose "batch" expire after 30 days unless told otherwise. */
  batchFileDefaultExpirySeconds: 2_592_000,
  /** The only completion window: 24 hours. */
  completionWindowMs: 24 * 60 * 60 * 1000,
  /** An Upload expires an hour after it is created. */
  uploadTtlMs: 60 * 60 * 1000,
} as const;

export const BATCH_ENDPOINTS = [
  "/v1/responses",
  "/v1/chat/completions",
  "/v1/embeddings",
  "/v1/completions",
  "/v1/moderations",
  "/v1/images/generations",
  "/v1/images/edits",
  "/v1/videos",
] as const;
export type BatchEndpoint = (typeof BATCH_ENDPOINTS)[number];

export function isBatchEndpoint(value: string): value is BatchEndpoint {
  return (BATCH_ENDPOINTS as readonly string[]).includes(value);
}

/** Purposes accepted when a file is created (POST /v1/files, POST /v1/uploads). */
export const UPLOAD_PURPOSES = ["assistants", "batch", "fine-tune", "vision", "user_data", "evals"] as const;

export const BATCH_STATUSES = [
  "validating",
  "failed",
  "in_progress",
  "finalizing",
  "completed",
  "expired",
  "cancelling",
  "cancelled",
] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

export const TERMINAL_STATUSES: readonly BatchStatus[] = ["failed", "completed", "expired", "cancelled"];

export function isTerminal(status: BatchStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export function isBatchStatus(value: string): value is BatchStatus {
  return (BATCH_STATUSES as readonly string[]).includes(value);
}
