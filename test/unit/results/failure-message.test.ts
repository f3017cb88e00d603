import { describe, expect, test } from "vitest";
import type { ResultsSummary } from "../../../provider/contract";
import { type ErrorExample, failedRatioMessage } from "../../../provider/results/failure-policy";

const summary = (extra: Partial<ResultsSummary>): ResultsSummary => ({
  succeeded: 0,
  failed: 0,
  expired: 0,
  cancelled: 0,
  missing: 0,
  errorCodes: {},
  ...extra,
});
const TAIL =
  " The batch is recorded in the state with all its outputs; raise maxFailedRatio to accept these results, or change the input to run a new batch.";

describe("failedRatioMessage: why results fail `pulumi up`", () => {
  test("the counts, the share against maxFailedRatio, the three most frequent codes with an example each", () => {
    const examples = new Map<string, ErrorExample>([
      ["server_error", { customId: "r-1", message: "boom\u001b[2J" }],
      ["a_code", { customId: "i".repeat(150), message: "m".repeat(600) }],
    ]);
    const message = failedRatioMessage(
      "batch_1",
      summary({
        succeeded: 4,
        failed: 4,
        cancelled: 1,
        errorCodes: { b_code: 1, server_error: 2, a_code: 1, batch_cancelled: 1 },
      }),
      examples,
      0.1,
      "results.jsonl",
    );
    expect(message).toBe(
      [
        "Batch batch_1: 5 of 9 requests did not succeed (4 succeeded, 4 failed, 1 cancelled); that is 55.6%, more than maxFailedRatio 0.1 allows.",
        ` Most frequent errors: server_error ×2 (e.g. r-1: boom\\x1b[2J); a_code ×1 (e.g. ${"i".repeat(100)}…(cut): ${"m".repeat(500)}…(cut)); b_code ×1.`,
        " Full results: results.jsonl.",
        TAIL,
      ].join(""),
    );
  });

  test("without maxFailedRatio, the rule is that no request succeeded; no codes, no list of them", () => {
    const message = failedRatioMessage(
      "b",
      summary({ expired: 1, missing: 2 }),
      new Map(),
      undefined,
      "x.jsonl",
    );
    expect(message).toBe(
      `Batch b: 3 of 3 requests did not succeed (0 succeeded, 1 expired, 2 missing); no request succeeded (set maxFailedRatio to choose how many may fail). Full results: x.jsonl.${TAIL}`,
    );
  });
});
