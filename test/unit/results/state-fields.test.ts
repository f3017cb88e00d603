import { describe, expect, test } from "vitest";
import type { BatchOutputs } from "../../../provider/contract";
import { followUpRunning, followUpsDue } from "../../../provider/results/refresh-attempts";
import { attemptsOf, carryResults, firstAttemptOf, hasResults } from "../../../provider/results/state-fields";
import { attempt, outputs, summary } from "./support/outputs";

describe("hasResults", () => {
  test.each([
    ["completed", true],
    ["expired", true],
    ["cancelled", true],
    ["failed", false],
    ["in_progress", false],
    ["cancelling", false],
    [undefined, false],
  ])("a %s batch: %s", (status, has) => {
    expect(hasResults(status)).toBe(has);
  });
});

describe("carryResults", () => {
  test("the results outputs of the state go onto the new outputs, where those have none", () => {
    const from = outputs({
      resultsSummary: summary,
      resultsSha256: "abc",
      attempts: [attempt("b1", "completed")],
    });
    const to = outputs({ status: "completed", attempts: [attempt("b1", "expired")] });
    expect(carryResults(from, to)).toStrictEqual({
      ...to,
      resultsSummary: summary,
      resultsSha256: "abc",
    });
  });

  test("nothing to carry: a state without results outputs, or none at all", () => {
    const to = outputs({ status: "completed" });
    expect(carryResults(outputs({ status: "failed" }), to)).toStrictEqual(to);
    expect(carryResults(undefined, to)).toStrictEqual(to);
  });
});

describe("the first attempt from the outputs", () => {
  test("takes the batch's files, counts and usage; those absent stay absent", () => {
    const usage = { input_tokens: 1, output_tokens: 2, total_tokens: 3 };
    const counts = { total: 2, completed: 1, failed: 1 };
    const full = outputs({
      status: "completed",
      inputFileId: "file-in",
      outputFileId: "file-out",
      errorFileId: "file-err",
      requestCounts: counts,
      usage,
    });
    expect(firstAttemptOf("b1", full)).toStrictEqual({
      batchId: "b1",
      status: "completed",
      inputFileId: "file-in",
      outputFileId: "file-out",
      errorFileId: "file-err",
      requestCounts: counts,
      usage,
    });
    expect(firstAttemptOf("b1", outputs({}))).toStrictEqual({
      batchId: "b1",
      status: "validating",
      inputFileId: "",
    });
  });

  test("attemptsOf: the first brought up to date, the follow-ups as they were", () => {
    const outs = outputs({
      status: "completed",
      inputFileId: "file-in",
      attempts: [attempt("b1", "in_progress"), attempt("b2", "failed")],
    });
    expect(attemptsOf("b1", outs)).toStrictEqual([
      { batchId: "b1", status: "completed", inputFileId: "file-in" },
      attempt("b2", "failed"),
    ]);
    expect(attemptsOf("b1", outputs({ status: "completed", inputFileId: "f" }))).toHaveLength(1);
  });
});

describe("followUpsDue and followUpRunning", () => {
  const finished = (extra: Partial<BatchOutputs>) =>
    outputs({ status: "completed", retryFailedRequests: 2, ...extra });

  test.each([
    ["no retries asked for", outputs({ status: "completed" }), false],
    ["retries 0", finished({ retryFailedRequests: 0 }), false],
    ["results already settled", finished({ resultsSummary: summary }), false],
    ["a batch that is not finished", finished({ status: "in_progress" }), false],
    ["a failed batch", finished({ status: "failed" }), false],
    ["no follow-up yet", finished({}), true],
    ["only the first attempt", finished({ attempts: [attempt("b1", "completed")] }), true],
    [
      "only the first attempt, recorded while it ran",
      finished({ attempts: [attempt("b1", "in_progress")] }),
      true,
    ],
    [
      "a finished follow-up",
      finished({ attempts: [attempt("b1", "completed"), attempt("b2", "expired")] }),
      true,
    ],
    [
      "a follow-up still running",
      finished({ attempts: [attempt("b1", "completed"), attempt("b2", "in_progress")] }),
      false,
    ],
    [
      "a follow-up still running, for a resource that waits",
      finished({
        waitForCompletion: true,
        attempts: [attempt("b1", "completed"), attempt("b2", "in_progress")],
      }),
      true,
    ],
  ])("%s: due %s", (_case, olds, due) => {
    expect(followUpsDue(olds)).toBe(due);
  });

  test.each([
    ["no attempts", outputs({}), false],
    ["the first alone, running", outputs({ attempts: [attempt("b1", "in_progress")] }), false],
    [
      "a follow-up running",
      outputs({ attempts: [attempt("b1", "completed"), attempt("b2", "finalizing")] }),
      true,
    ],
    [
      "a follow-up finished",
      outputs({ attempts: [attempt("b1", "completed"), attempt("b2", "completed")] }),
      false,
    ],
  ])("%s: running %s", (_case, outs, running) => {
    expect(followUpRunning(outs)).toBe(running);
  });
});
