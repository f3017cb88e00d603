/**
 * Messages that carry a count read correctly for one: `1 request`, `1 output token`, and the verb
 * and pronouns that go with it.
 */
import { describe, expect, test } from "vitest";
import type { BatchInputs, BatchOutputs } from "../../provider/contract";
import { estimateCost } from "../../provider/cost/estimate";
import { emptyTally, type TokenTally } from "../../provider/cost/tally";
import { noun } from "../../provider/display";
import { failedRatioMessage } from "../../provider/results/failure-policy";
import { requireCompleted } from "../../provider/runtime/completion";
import { planBatch } from "../../provider/runtime/plan";
import { Chunker } from "../../provider/set/chunker";

const tally = (fields: Partial<TokenTally>): TokenTally => ({
  ...emptyTally("/v1/chat/completions"),
  model: "gpt-4o-mini",
  ...fields,
});

describe("noun", () => {
  test.each([
    [0, "requests"],
    [1, "request"],
    [2, "requests"],
    [undefined, "requests"],
  ])("%s → %s", (count, word) => {
    expect(noun(count, "request")).toBe(word);
  });
});

describe("the estimate's warnings", () => {
  test.each<[string, Partial<TokenTally>, string]>([
    [
      "one request of one without an output limit",
      { requests: 1, inputTokens: 8, unboundedRequests: 1 },
      "1 of 1 request sets no output limit, so output is unbounded; set max_tokens (max_completion_tokens, max_output_tokens) on each request, or assumedOutputTokensPerRequest",
    ],
    [
      "two of three without an output limit",
      { requests: 3, inputTokens: 8, maxOutputTokens: 5, unboundedRequests: 2 },
      "2 of 3 requests set no output limit, so output is unbounded; set max_tokens (max_completion_tokens, max_output_tokens) on each request, or assumedOutputTokensPerRequest",
    ],
    [
      "one request with a string over the API's limit",
      { requests: 1, maxOutputTokens: 5, refusedRequests: 1, firstRefusedLine: 1 },
      "1 of 1 request (on line 1) holds a string of more than 10,485,760 characters, the most the API takes in one string: the API will fail it (string_above_max_length), so its tokens are not counted; shorten that string or split the requests",
    ],
    [
      "one part not counted",
      { requests: 2, inputTokens: 8, maxOutputTokens: 5, uncountedParts: 1 },
      "1 image, audio or file part, or built-in tool, is not counted; the input tokens are a lower bound",
    ],
  ])("%s", (_, fields, warning) => {
    expect(estimateCost(tally(fields)).warnings).toEqual([warning]);
  });

  test("the warning about unbounded output is also given apart, with its count", () => {
    const outcome = estimateCost(tally({ requests: 3, inputTokens: 8, unboundedRequests: 2 }));
    expect(outcome.unboundedOutput).toEqual({ requests: 2, warning: outcome.warnings[0] });
    expect(
      estimateCost(tally({ requests: 3, inputTokens: 8, unboundedRequests: 2 }), {
        assumedOutputTokensPerRequest: 10,
      }).unboundedOutput,
    ).toBeUndefined();
  });
});

describe("messages about one request", () => {
  test("a plan of requests that shrink to one", () => {
    const olds = {
      endpoint: "/v1/chat/completions",
      requests: [],
      inputSha256: "a".repeat(64),
      requestCount: 2,
      stateVersion: 1,
      uploadedInputFile: true,
    } as unknown as BatchOutputs;
    const news = {
      endpoint: "/v1/chat/completions",
      requests: [],
      inputSha256: "b".repeat(64),
      requestCount: 1,
    } as unknown as BatchInputs;
    expect(planBatch("batch_1", olds, news).reasons.map((r) => r.text)).toEqual([
      `requests changed (2 → 1 request, sha256 ${"a".repeat(12)}… → ${"b".repeat(12)}…): up creates a new batch in its place`,
    ]);
  });

  test("results over maxFailedRatio of one request", () => {
    const summary = { succeeded: 0, failed: 1, expired: 0, cancelled: 0, missing: 0, errorCodes: {} };
    expect(failedRatioMessage("batch_1", summary, new Map(), undefined, "out.jsonl")).toMatch(
      /^Batch batch_1: 1 of 1 request did not succeed \(0 succeeded, 1 failed\); /,
    );
  });

  test("a batch of one request that failed", () => {
    const outputs = {
      status: "expired",
      requestCounts: { total: 1, completed: 0, failed: 0 },
    } as unknown as BatchOutputs;
    expect(() => requireCompleted("batch_1", outputs)).toThrow(/\(0 of 1 request completed, 0 failed\)/);
  });

  test("a line too large for any shard, by one token or one byte", () => {
    expect(
      new Chunker({ maxRequests: 10, maxBytes: 100, maxTokens: 0 }).tooLarge({
        bytes: 1,
        tokens: 1,
        hash: 0,
      }),
    ).toBe("has an estimated 1 input token, more than maxEnqueuedTokens (0)");
    expect(new Chunker({ maxRequests: 10, maxBytes: 0 }).tooLarge({ bytes: 1, tokens: 0, hash: 0 })).toBe(
      "is 1 byte, more than maxBytesPerBatch (0)",
    );
  });
});
