import type { InputProblem } from "../errors";
import { describeValue, notANumber } from "../validation/describe-value";
import { isUnknown } from "../validation/unknowns";

type Inputs = Readonly<Record<string, unknown>>;

/** The most follow-up batches `retryFailedRequests` may ask for. */
export const MAX_RETRY_ATTEMPTS = 10;

/**
 * Checks the results arguments of a Batch: `maxFailedRatio`, `resultsPath` and
 * `retryFailedRequests`, one problem per property. Unknown values pass.
 */
export function checkResultsArguments(inputs: Inputs): InputProblem[] {
  const problems: InputProblem[] = [];
  const ratio = inputs.maxFailedRatio;
  if (ratio !== undefined && !isUnknown(ratio)) {
    if (typeof ratio !== "number" || !Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
      problems.push({
        property: "maxFailedRatio",
        reason: `maxFailedRatio is ${describeValue(ratio)}${notANumber(ratio)}; give a number from 0 to 1 (the share of requests that may fail; 0 fails on any failure)`,
      });
    }
  }
  const path = inputs.resultsPath;
  if (path !== undefined && !isUnknown(path)) {
    if (typeof path !== "string" || path.trim() === "" || path.endsWith("/") || path.includes("\0")) {
      problems.push({
        property: "resultsPath",
        reason: `resultsPath must be the path of a file, relative to the Pulumi project, such as "results.jsonl"; got ${describeValue(path)}`,
      });
    }
  }
  const retries = inputs.retryFailedRequests;
  if (retries !== undefined && !isUnknown(retries)) {
    if (
      typeof retries !== "number" ||
      !Number.isInteger(retries) ||
      retries < 0 ||
      retries > MAX_RETRY_ATTEMPTS
    ) {
      problems.push({
        property: "retryFailedRequests",
        reason: `retryFailedRequests is ${describeValue(retries)}${notANumber(retries)}; give a whole number of follow-up batches from 0 to ${MAX_RETRY_ATTEMPTS}`,
      });
    }
  }
  return problems;
}
