import { displayable, noun } from "../display";
import type { BatchResultRecord } from "./types";

const NUMBER = new Intl.NumberFormat("en-US");

/** Why a request is resubmitted, in a word: its error code, its HTTP status, or `expired`. */
export function retryReason(record: BatchResultRecord): string {
  if (record.status === "expired") return "expired";
  if (record.error !== undefined && record.error.code !== "") return record.error.code;
  return record.statusCode === undefined ? record.status : `HTTP ${record.statusCode}`;
}

/**
 * The progress line of a follow-up that starts:
 * `questions: follow-up 1 of 2 (batch_abc): 13 requests that did not succeed (server_error 9, rate_limit_exceeded 4)`.
 * The reasons are the server's text, so they are made displayable; the most frequent come first.
 */
export function followUpStartLine(options: {
  resourceName: string | undefined;
  attempt: number;
  allowed: number;
  batchId: string;
  reasons: ReadonlyMap<string, number>;
}): string {
  const count = [...options.reasons.values()].reduce((sum, n) => sum + n, 0);
  const reasons = [...options.reasons.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([reason, n]) => `${displayable(reason, 60)} ${NUMBER.format(n)}`)
    .join(", ");
  const head = options.resourceName === undefined ? "" : `${options.resourceName}: `;
  const requests = `${NUMBER.format(count)} ${noun(count, "request")}`;
  return `${head}follow-up ${options.attempt} of ${options.allowed} (${displayable(options.batchId, 100)}): ${requests} that did not succeed (${reasons})`;
}
