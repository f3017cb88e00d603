import { ARGUMENT_ADVICE } from "../cost/estimate";
import { noun } from "../display";
import type { SetTotals } from "./summary";

const NUMBER = new Intl.NumberFormat("en-US");

/**
 * The set's one warning about requests that set no output limit, from what `check` found in each
 * of its batches (how many of the batch's requests set none, 0 for none), or undefined when no
 * request of the set leaves its output unbounded:
 *
 *   40 of 3,500 requests in 2 of 35 batches set no output limit, so output is unbounded; ...
 *
 * with the same advice as a plain `Batch`'s warning.
 */
export function unboundedOutputWarning(
  totals: SetTotals,
  unboundedPerBatch: Iterable<number>,
): string | undefined {
  let requests = 0;
  let batches = 0;
  for (const count of unboundedPerBatch) {
    if (count <= 0) continue;
    requests += count;
    batches += 1;
  }
  if (requests === 0) return undefined;
  return `${NUMBER.format(requests)} of ${NUMBER.format(totals.requests)} ${noun(totals.requests, "request")} in ${NUMBER.format(batches)} of ${NUMBER.format(totals.batches)} ${noun(totals.batches, "batch", "batches")} ${requests === 1 ? "sets" : "set"} no output limit, so output is unbounded; ${ARGUMENT_ADVICE.unboundedOutput}`;
}
