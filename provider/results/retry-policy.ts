import type { BatchResultRecord } from "./types";

/** Per-request error codes the API uses for failures that may pass on another try. */
export const TRANSIENT_ERROR_CODES: ReadonlySet<string> = new Set([
  "batch_expired",
  "rate_limit_exceeded",
  "server_error",
  "internal_error",
  "service_unavailable",
  "timeout",
  "engine_overloaded",
]);

/**
 * Whether a request's result is worth resubmitting: it expired, was answered 429 or 5xx, or
 * failed with one of the API's transient error codes. A request the endpoint refused (400, 401,
 * 404...), a cancelled one and a missing one are not.
 */
export function isRetryable(record: BatchResultRecord): boolean {
  if (record.status === "expired") return true;
  if (record.status !== "failed") return false;
  if (record.statusCode !== undefined && (record.statusCode === 429 || record.statusCode >= 500)) return true;
  return record.error !== undefined && TRANSIENT_ERROR_CODES.has(record.error.code);
}

/** The create token of follow-up batch number `attempt` (1-based), from `followUpTokenBase`. */
export function followUpToken(base: string, attempt: number): string {
  return `${base}-retry-${attempt}`;
}

/**
 * What the follow-ups' tokens of one first batch start with: the resource's create token and the
 * tail of the first batch's id. A replacement that keeps the create token (`pulumi up --replace`,
 * a batch replaced after a full queue) has a first batch of its own, so the follow-ups of the old
 * and the new resource never share a token or an upload's name.
 */
export function followUpTokenBase(createToken: string | undefined, firstBatchId: string): string {
  return createToken === undefined ? firstBatchId : `${createToken}.${firstBatchId.slice(-12)}`;
}

/**
 * The base of follow-up tokens made before they named the first batch: the create token alone.
 * Shared by a resource and its replacement, so it only serves to find uploads, never to claim the
 * batches made from them.
 */
export function legacyFollowUpTokenBase(createToken: string | undefined, firstBatchId: string): string {
  return createToken ?? firstBatchId;
}
