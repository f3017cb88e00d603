import { describe, expect, test } from "vitest";
import { diffBatch } from "../../../provider/runtime/diff";
import { composeOutputs } from "../../../provider/runtime/outputs";
import { inputsOf, readState } from "../../../provider/runtime/state";

/** Outputs as release 0.1 wrote them: no estimate, no cost arguments, no costUsd. */
const RELEASE_0_1 = {
  endpoint: "/v1/chat/completions",
  inputFile: "in.jsonl",
  inputSha256: "a".repeat(64),
  requestCount: 2,
  completionWindow: "24h",
  waitForCompletion: false,
  stateVersion: 1,
  uploadedInputFile: true,
  status: "completed",
  model: "gpt-4o-mini",
  usage: { input_tokens: 1_000_000, output_tokens: 0, total_tokens: 1_000_000 },
};

describe("outputs written before the cost fields", () => {
  test("an unchanged input with a new estimate is no change", () => {
    const news = {
      endpoint: "/v1/chat/completions" as const,
      inputFile: "in.jsonl",
      inputSha256: "a".repeat(64),
      requestCount: 2,
      estimate: { model: "gpt-4o-mini", requests: 2, inputTokens: 10 },
    };
    expect(diffBatch(readState(RELEASE_0_1), news)).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  test("adding maxCostUsd, prices or assumedOutputTokensPerRequest updates in place", () => {
    const news = {
      endpoint: "/v1/chat/completions" as const,
      inputFile: "in.jsonl",
      inputSha256: "a".repeat(64),
    };
    for (const added of [
      { maxCostUsd: 5 },
      { prices: { x: { input: 1, output: 1 } } },
      { assumedOutputTokensPerRequest: 9 },
    ]) {
      expect(diffBatch(readState(RELEASE_0_1), { ...news, ...added })).toEqual({
        changes: true,
        replaces: [],
        deleteBeforeReplace: false,
      });
    }
  });

  test("their usage is priced when they are written again, and the estimate is kept as an input", () => {
    const state = readState(RELEASE_0_1);
    const outputs = composeOutputs(inputsOf(state), { model: "gpt-4o-mini", usage: RELEASE_0_1.usage }, true);
    // 1,000,000 input tokens of gpt-4o-mini at the batch rate of $0.075 per million.
    expect(outputs.costUsd).toBe(0.075);
    const estimate = { model: "gpt-4o-mini", requests: 2 };
    expect(inputsOf(readState({ ...RELEASE_0_1, estimate })).estimate).toEqual(estimate);
  });
});
