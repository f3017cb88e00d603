import { describe, expect, test } from "vitest";
import { exceedsFailedRatio } from "../../provider/results/failure-policy";
import { followUpToken, followUpTokenBase, isRetryable } from "../../provider/results/retry-policy";
import type { BatchResultRecord } from "../../provider/results/types";

const record = (extra: Partial<BatchResultRecord>): BatchResultRecord => ({
  custom_id: "a",
  status: "failed",
  ...extra,
});
const error = (code: string) => ({ code, message: code });

describe("isRetryable", () => {
  test.each([
    "batch_expired",
    "rate_limit_exceeded",
    "server_error",
    "internal_error",
    "service_unavailable",
    "timeout",
    "engine_overloaded",
  ])("a failed request with the transient code %s and no response is retried", (code) => {
    expect(isRetryable(record({ error: error(code) }))).toBe(true);
  });

  test.each([
    ["succeeded", record({ status: "succeeded", statusCode: 200 }), false],
    ["expired", record({ status: "expired", error: error("batch_expired") }), true],
    ["429", record({ statusCode: 429, error: error("rate_limit_exceeded") }), true],
    ["500", record({ statusCode: 500, error: error("http_500") }), true],
    ["503 with any code", record({ statusCode: 503, error: error("whatever") }), true],
    ["429 with any code", record({ statusCode: 429, error: error("whatever") }), true],
    [
      "succeeded with a 500 and a transient code",
      record({ status: "succeeded", statusCode: 500, error: error("server_error") }),
      false,
    ],
    ["cancelled with a 503", record({ status: "cancelled", statusCode: 503 }), false],
    ["400", record({ statusCode: 400, error: error("invalid_request_error") }), false],
    ["404", record({ statusCode: 404, error: error("model_not_found") }), false],
    ["a transient code without a response", record({ error: error("server_error") }), true],
    ["timeout", record({ error: error("timeout") }), true],
    ["an unreadable line", record({ error: error("invalid_json_line") }), false],
    ["cancelled", record({ status: "cancelled", error: error("batch_cancelled") }), false],
    ["missing", record({ status: "missing", error: error("missing") }), false],
  ])("%s → %s", (_name, input, expected) => {
    expect(isRetryable(input)).toBe(expected);
  });

  test("follow-up tokens derive from the first batch's and differ per attempt", () => {
    expect(followUpToken("abc", 1)).toBe("abc-retry-1");
    expect(followUpToken("abc", 2)).not.toBe(followUpToken("abc", 1));
  });

  test("follow-up tokens of two first batches with one create token differ", () => {
    expect(followUpTokenBase("abc", "batch_000000000000111111111111")).toBe("abc.111111111111");
    expect(followUpTokenBase("abc", "batch_1")).not.toBe(followUpTokenBase("abc", "batch_2"));
    expect(followUpTokenBase(undefined, "batch_1")).toBe("batch_1");
  });
});

describe("exceedsFailedRatio", () => {
  const summary = (succeeded: number, failed: number, expired = 0) => ({
    succeeded,
    failed,
    expired,
    cancelled: 0,
    missing: 0,
    errorCodes: {},
  });
  test.each([
    [summary(0, 3), undefined, true],
    [summary(1, 3), undefined, false],
    [summary(0, 0), undefined, false],
    [summary(0, 0), 0, false],
    [summary(9, 1), 0, true],
    [summary(10, 0), 0, false],
    [summary(3, 1), 0.25, false],
    [summary(3, 0, 1), 0.2, true],
    [summary(0, 4), 1, false],
  ])("%j with maxFailedRatio %s → %s", (counts, ratio, expected) => {
    expect(exceedsFailedRatio(counts, ratio)).toBe(expected);
  });
});
