import type { InputProblem } from "../errors";
import { describeValue, notANumber } from "../validation/describe-value";
import { isUnknown } from "../validation/unknowns";
import { pricesProblems } from "./prices";

/** Checks `maxCostUsd`, `assumedOutputTokensPerRequest` and `prices`. Unknown values pass. */
export function costArgumentProblems(inputs: Readonly<Record<string, unknown>>): InputProblem[] {
  const problems: InputProblem[] = [];
  const { maxCostUsd, assumedOutputTokensPerRequest: assumed, prices } = inputs;
  if (maxCostUsd !== undefined && !isUnknown(maxCostUsd)) {
    if (typeof maxCostUsd !== "number" || !Number.isFinite(maxCostUsd) || maxCostUsd < 0) {
      problems.push({
        property: "maxCostUsd",
        reason: `maxCostUsd is ${describeValue(maxCostUsd)}${notANumber(maxCostUsd, "a number of US dollars")}; give the most the batch may cost in US dollars, a number of 0 or more`,
      });
    }
  }
  if (assumed !== undefined && !isUnknown(assumed)) {
    if (typeof assumed !== "number" || !Number.isInteger(assumed) || assumed < 0) {
      problems.push({
        property: "assumedOutputTokensPerRequest",
        reason: `assumedOutputTokensPerRequest is ${describeValue(assumed)}${notANumber(assumed, "a number of tokens")}; give a whole number of tokens, 0 or more`,
      });
    }
  }
  if (prices !== undefined && !isUnknown(prices)) {
    problems.push(...pricesProblems(prices).map((reason) => ({ property: "prices", reason })));
  }
  return problems;
}
