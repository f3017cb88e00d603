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

/** The create token of follow-up batch number `attempt` (1-based), derived from the first batch's. */
export function followUpToken(firstToken: string, attempt: number): string {
  return `${firstToken}-retry-${attempt}`;
}
