import { describe, expect, test } from "vitest";
import type { BatchAttempt, BatchOutputs, BatchUsage } from "../../../provider/contract";
import { costOfUsage } from "../../../provider/cost/actual";
import { followUpStartLine } from "../../../provider/results/follow-up-note";
import { sumUsage, withoutTotals, withTotals } from "../../../provider/results/totals";

const MODEL = "gpt-4o-mini";
const usage = (input: number, output: number, cached = 0): BatchUsage => ({
  input_tokens: input,
  output_tokens: output,
  total_tokens: input + output,
  input_tokens_details: { cached_tokens: cached },
});
const attempt = (batchId: string, own?: BatchUsage): BatchAttempt => ({
  batchId,
  status: "completed",
  inputFileId: `file-${batchId}`,
  ...(own === undefined ? {} : { usage: own }),
});
const outputs = (extra: Partial<BatchOutputs>): BatchOutputs => ({
  endpoint: "/v1/chat/completions",
  stateVersion: 1,
  uploadedInputFile: true,
  model: MODEL,
  ...extra,
});

describe("usage and cost over every attempt", () => {
  test("the first batch and a follow-up: usage and cost summed, each attempt priced on its own", () => {
    const first = usage(1_000, 400, 100);
    const followUp = usage(300, 120);
    const totalled = withTotals(
      outputs({ usage: first, costUsd: 1, attempts: [attempt("b1"), attempt("b2", followUp)] }),
    );
    const firstCost = costOfUsage(MODEL, first) as number;
    const followUpCost = costOfUsage(MODEL, followUp) as number;
    expect(firstCost).toBeGreaterThan(0);
    expect(followUpCost).toBeGreaterThan(0);
    expect(totalled.attempts?.map((a) => [a.usage, a.costUsd])).toEqual([
      [first, firstCost],
      [followUp, followUpCost],
    ]);
    expect(totalled.usage).toEqual({
      input_tokens: 1_300,
      output_tokens: 520,
      total_tokens: 1_820,
      input_tokens_details: { cached_tokens: 100 },
    });
    expect(totalled.costUsd).toBeCloseTo(firstCost + followUpCost, 12);
  });

  test("totals come apart again into the first batch's own figures, and are made anew the same", () => {
    const first = usage(1_000, 400);
    const totalled = withTotals(
      outputs({ usage: first, attempts: [attempt("b1"), attempt("b2", usage(10, 5))] }),
    );
    const apart = withoutTotals(totalled);
    expect(apart.usage).toEqual(first);
    expect(apart.costUsd).toBe(costOfUsage(MODEL, first));
    expect(withTotals(apart)).toEqual(totalled);
    expect(withTotals(totalled)).toEqual(totalled);
  });

  test("a single attempt keeps its own figures; an attempt without usage leaves no short total", () => {
    const first = usage(50, 20);
    const single = withTotals(outputs({ usage: first, attempts: [attempt("b1")] }));
    expect(single.usage).toEqual(first);
    expect(single.costUsd).toBe(costOfUsage(MODEL, first));
    const unknown = withTotals(
      outputs({ usage: first, costUsd: 9, attempts: [attempt("b1"), attempt("b2")] }),
    );
    expect(unknown.usage).toBeUndefined();
    expect(unknown.costUsd).toBeUndefined();
    expect(sumUsage([])).toBeUndefined();
  });

  test("requestCounts stay the first batch's own", () => {
    const counts = { total: 4, completed: 2, failed: 2 };
    const totalled = withTotals(
      outputs({ requestCounts: counts, attempts: [attempt("b1"), attempt("b2", usage(1, 1))] }),
    );
    expect(totalled.requestCounts).toEqual(counts);
  });
});

describe("usage and cost: the edges", () => {
  test("no attempts recorded: the outputs stay as they are", () => {
    const outs = outputs({ usage: usage(5, 5), costUsd: 2, attempts: [] });
    expect(withTotals(outs)).toBe(outs);
  });

  test("a single attempt without its own usage: taking the totals apart keeps the batch's own", () => {
    const outs = outputs({ usage: usage(5, 5), costUsd: 2, attempts: [attempt("b1")] });
    expect(withoutTotals(outs)).toBe(outs);
  });

  test("a first attempt without usage or cost: taken apart, the outputs hold neither key", () => {
    const apart = withoutTotals(
      outputs({ usage: usage(5, 5), costUsd: 2, attempts: [attempt("b1"), attempt("b2", usage(1, 1))] }),
    );
    expect(Object.keys(apart)).not.toContain("usage");
    expect(Object.keys(apart)).not.toContain("costUsd");
  });

  test("token details are summed when any attempt has them, and left out when none has", () => {
    const plain = (input: number, output: number): BatchUsage => ({
      input_tokens: input,
      output_tokens: output,
      total_tokens: input + output,
    });
    expect(sumUsage([plain(1, 2), plain(3, 4)])).toStrictEqual(plain(4, 6));
    expect(
      sumUsage([
        plain(1, 2),
        { ...plain(3, 4), input_tokens_details: { cached_tokens: 2 } },
        { ...plain(5, 6), output_tokens_details: { reasoning_tokens: 3 } },
        { ...plain(7, 8), output_tokens_details: { reasoning_tokens: 4 } },
      ]),
    ).toStrictEqual({
      ...plain(16, 20),
      input_tokens_details: { cached_tokens: 2 },
      output_tokens_details: { reasoning_tokens: 7 },
    });
  });
});

describe("the progress line of a follow-up", () => {
  test("names the attempt, the batch, how many requests and why, most frequent first", () => {
    const line = followUpStartLine({
      resourceName: "questions",
      attempt: 1,
      allowed: 2,
      batchId: "batch_abc",
      reasons: new Map([
        ["rate_limit_exceeded", 4],
        ["server_error", 9],
        ["expired", 1_200],
      ]),
    });
    expect(line).toBe(
      "questions: follow-up 1 of 2 (batch_abc): 1,213 requests that did not succeed (expired 1,200, server_error 9, rate_limit_exceeded 4)",
    );
  });
});
