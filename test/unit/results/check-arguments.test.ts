import { describe, expect, test } from "vitest";
import { checkResultsArguments, MAX_RETRY_ATTEMPTS } from "../../../provider/results/check-arguments";

const refused = (inputs: Record<string, unknown>) => checkResultsArguments(inputs).map((p) => p.property);

describe("checkResultsArguments: the bounds of each argument", () => {
  test.each([
    [{ maxFailedRatio: 0 }, []],
    [{ maxFailedRatio: 1 }, []],
    [{ maxFailedRatio: -0.01 }, ["maxFailedRatio"]],
    [{ maxFailedRatio: 1.01 }, ["maxFailedRatio"]],
    [{ retryFailedRequests: 0 }, []],
    [{ retryFailedRequests: MAX_RETRY_ATTEMPTS }, []],
    [{ retryFailedRequests: -1 }, ["retryFailedRequests"]],
    [{ retryFailedRequests: MAX_RETRY_ATTEMPTS + 1 }, ["retryFailedRequests"]],
    [{ resultsPath: "results.jsonl" }, []],
    [{ resultsPath: " \t" }, ["resultsPath"]],
    [{ resultsPath: "out/results.jsonl/" }, ["resultsPath"]],
    [{ resultsPath: "a\0b" }, ["resultsPath"]],
  ])("%o: refused %o", (inputs, properties) => {
    expect(refused(inputs)).toEqual(properties);
  });
});
