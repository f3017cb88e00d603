import { describe, expect, test } from "vitest";
import { retryReason } from "../../../provider/results/follow-up-note";
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
