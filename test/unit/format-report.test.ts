import { describe, expect, test } from "vitest";
import { formatReport } from "../../provider/validation/jsonl/format";
import type { BatchInputReport } from "../../provider/validation/jsonl/validate";

function report(problems: BatchInputReport["problems"], problemCount: number): BatchInputReport {
  return { ok: problemCount === 0, problems, problemCount, lineCount: 3, bytes: 10, embeddingInputs: 0 };
}

describe("formatReport: one message per problem, then how many were not listed", () => {
  test("a problem of a line names the line; a problem of the whole input does not", () => {
    expect(
      formatReport(
        report([{ line: 17, message: "body.model is missing" }, { message: "the input is empty" }], 2),
        "requests.jsonl",
      ),
    ).toEqual(["requests.jsonl:17: body.model is missing", "requests.jsonl: the input is empty"]);
  });

  test.each([
    [0, []],
    [1, ["in.jsonl: ... and 1 more problem"]],
    [2, ["in.jsonl: ... and 2 more problems"]],
  ] as [number, string[]][])("%i problems not listed add %o", (unlisted, tail) => {
    expect(formatReport(report([{ line: 1, message: "m" }], 1 + unlisted), "in.jsonl")).toEqual([
      "in.jsonl:1: m",
      ...tail,
    ]);
  });

  test("no problem is no message", () => {
    expect(formatReport(report([], 0), "in.jsonl")).toEqual([]);
  });
});
