import { displayable, noun } from "../display";
import type { BatchResultRecord, BatchResultsSummary } from "./types";

export function emptySummary(): BatchResultsSummary {
  return { succeeded: 0, failed: 0, expired: 0, cancelled: 0, missing: 0, errorCodes: {} };
}

/** Counts one record in a summary (in place). */
export function countRecord(summary: BatchResultsSummary, record: BatchResultRecord): void {
  summary[record.status] += 1;
  if (record.status !== "succeeded" && record.error !== undefined) {
    summary.errorCodes[record.error.code] = (summary.errorCodes[record.error.code] ?? 0) + 1;
  }
}

export function totalOf(summary: BatchResultsSummary): number {
  return summary.succeeded + summary.failed + summary.expired + summary.cancelled + summary.missing;
}

/** "48 succeeded, 2 failed (server_error 2)"; the codes (the server's text) made displayable. */
export function describeSummary(summary: BatchResultsSummary): string {
  const parts = [`${summary.succeeded} succeeded`];
  for (const status of ["failed", "expired", "cancelled", "missing"] as const) {
    if (summary[status] > 0) parts.push(`${summary[status]} ${status}`);
  }
  const codes = Object.entries(summary.errorCodes)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .map(([code, count]) => `${displayable(code, 100)} ${count}`);
  const total = totalOf(summary);
  return `${total} ${noun(total, "request")}: ${parts.join(", ")}${codes.length > 0 ? ` (${codes.join(", ")})` : ""}`;
}
