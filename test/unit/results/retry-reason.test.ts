import { describe, expect, test } from "vitest";
import { followUpStartLine, retryReason } from "../../../provider/results/follow-up-note";
import type { BatchResultRecord } from "../../../provider/results/types";

const record = (extra: Partial<BatchResultRecord>): BatchResultRecord => ({
  custom_id: "q",
  line: 1,
  status: "failed",
  ...extra,
});

describe("retryReason: why a request is resubmitted, in a word", () => {
  test.each([
    [
      "expired, whatever its error",
      record({ status: "expired", error: { code: "batch_expired", message: "" } }),
      "expired",
    ],
    [
      "its error code",
      record({ statusCode: 500, error: { code: "server_error", message: "" } }),
      "server_error",
    ],
    [
      "its status, when the code is empty",
      record({ statusCode: 503, error: { code: "", message: "" } }),
      "HTTP 503",
    ],
    ["its status, without an error", record({ statusCode: 429 }), "HTTP 429"],
    ["its outcome, with neither", record({ status: "missing" }), "missing"],
  ])("%s", (_case, failed, reason) => {
    expect(retryReason(failed)).toBe(reason);
  });
});

describe("followUpStartLine: the head and the count", () => {
  test("without a resource name the line starts with the follow-up; one request is one request", () => {
    const line = followUpStartLine({
      resourceName: undefined,
      attempt: 2,
      allowed: 3,
      batchId: "batch_b",
      reasons: new Map([["server_error", 1]]),
    });
    expect(line).toBe("follow-up 2 of 3 (batch_b): 1 request that did not succeed (server_error 1)");
  });
});
