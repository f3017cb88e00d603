import type { ResultsSummary } from "../contract";
import { displayable, noun } from "../display";

/** One request that failed with a code: the example a message shows for that code. */
export interface ErrorExample {
  message: string;
  customId: string;
}

export function unsuccessfulOf(summary: ResultsSummary): number {
  return summary.failed + summary.expired + summary.cancelled + summary.missing;
}

/**
 * Whether a finished batch's results fail `pulumi up`: its unsuccessful share exceeds
 * `maxFailedRatio`, or, without one, no request succeeded. A batch with no request never fails.
 */
export function exceedsFailedRatio(summary: ResultsSummary, maxFailedRatio: number | undefined): boolean {
  const unsuccessful = unsuccessfulOf(summary);
  const total = summary.succeeded + unsuccessful;
  if (total === 0) return false;
  if (maxFailedRatio === undefined) return summary.succeeded === 0;
  return unsuccessful / total > maxFailedRatio;
}

/** The most of an error code or custom_id, and of an example message, the message shows. */
const MAX_CODE_CHARS = 100;
const MAX_EXAMPLE_CHARS = 500;

/**
 * Why the results fail `pulumi up`: the counts, the three most frequent error codes with one
 * message and custom_id each, and where the full results are. The codes, ids and messages come
 * from the batch's files: they are cut to a readable length and their control characters escaped.
 */
export function failedRatioMessage(
  batchId: string,
  summary: ResultsSummary,
  examples: ReadonlyMap<string, ErrorExample>,
  maxFailedRatio: number | undefined,
  whereResults: string,
): string {
  const unsuccessful = unsuccessfulOf(summary);
  const total = summary.succeeded + unsuccessful;
  const counts = (["failed", "expired", "cancelled", "missing"] as const)
    .filter((status) => summary[status] > 0)
    .map((status) => `${summary[status]} ${status}`)
    .join(", ");
  const rule =
    maxFailedRatio === undefined
      ? "no request succeeded (set maxFailedRatio to choose how many may fail)"
      : `that is ${formatShare(unsuccessful / total)}, more than maxFailedRatio ${maxFailedRatio} allows`;
  const top = Object.entries(summary.errorCodes)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .slice(0, 3)
    .map(([code, count]) => {
      const example = examples.get(code);
      const shown = `${displayable(code, MAX_CODE_CHARS)} ×${count}`;
      return example === undefined
        ? shown
        : `${shown} (e.g. ${displayable(example.customId, MAX_CODE_CHARS)}: ${displayable(example.message, MAX_EXAMPLE_CHARS)})`;
    });
  return [
    `Batch ${batchId}: ${unsuccessful} of ${total} ${noun(total, "request")} did not succeed (${summary.succeeded} succeeded, ${counts}); ${rule}.`,
    top.length > 0 ? ` Most frequent errors: ${top.join("; ")}.` : "",
    ` Full results: ${whereResults}.`,
    " The batch is recorded in the state with all its outputs; raise maxFailedRatio to accept these results, or change the input to run a new batch.",
  ].join("");
}

function formatShare(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}
