import type { BatchStatus, RequestCounts, ResultsSummary } from "../contract";

/**
 * The statuses from least to most advanced. A set is `completed` only when every batch is; a set
 * with a batch still running is as far as that batch; among finished batches, the one that did
 * not complete decides.
 */
const ORDER: readonly BatchStatus[] = [
  "validating",
  "in_progress",
  "finalizing",
  "cancelling",
  "failed",
  "expired",
  "cancelled",
  "completed",
];

/** The least advanced status among the children; undefined while any child's is unknown. */
export function leastAdvanced(statuses: readonly (BatchStatus | undefined)[]): BatchStatus | undefined {
  let least: BatchStatus | undefined;
  for (const status of statuses) {
    if (status === undefined) return undefined;
    if (least === undefined || ORDER.indexOf(status) < ORDER.indexOf(least)) least = status;
  }
  return least;
}

/** The children's request counts added up; undefined while any child's is unknown. */
export function sumRequestCounts(counts: readonly (RequestCounts | undefined)[]): RequestCounts | undefined {
  const total: RequestCounts = { total: 0, completed: 0, failed: 0 };
  for (const count of counts) {
    if (count === undefined) return undefined;
    total.total += count.total;
    total.completed += count.completed;
    total.failed += count.failed;
  }
  return total;
}

/** The children's results summaries added up; undefined while any child's is unknown or unread. */
export function sumResultsSummaries(
  summaries: readonly (ResultsSummary | undefined)[],
): ResultsSummary | undefined {
  const total: ResultsSummary = {
    succeeded: 0,
    failed: 0,
    expired: 0,
    cancelled: 0,
    missing: 0,
    errorCodes: {},
  };
  for (const summary of summaries) {
    if (summary === undefined) return undefined;
    for (const status of ["succeeded", "failed", "expired", "cancelled", "missing"] as const) {
      total[status] += summary[status];
    }
    for (const [code, count] of Object.entries(summary.errorCodes)) {
      total.errorCodes[code] = (total.errorCodes[code] ?? 0) + count;
    }
  }
  return total;
}
