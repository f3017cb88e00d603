/**
 * The estimate at check for inline requests, by backend: what the `maxCostUsd` guard says when
 * it cannot bound a batch (no price, a deployment with a model but no price, an endpoint whose
 * tokens are not counted, unbounded output), and the estimate's shape in the state.
 */
import { describe, expect, test } from "vitest";
import { azureProfile, compatibleProfile } from "../../../provider/backends";
import type { BatchRequestLine } from "../../../provider/contract";
import { type CostCheckInput, checkCost } from "../../../provider/cost/batch-estimate";

const CHAT = "/v1/chat/completions";
const chat = (body: Record<string, unknown>): BatchRequestLine => ({
  custom_id: "a",
  method: "POST",
  url: CHAT,
  body: { messages: [{ role: "user", content: "Hello" }], ...body },
});
const check = (requests: BatchRequestLine[], more: Partial<CostCheckInput> = {}) =>
  checkCost({ endpoint: CHAT, content: { requests }, sha256: "0".repeat(64), cacheDir: undefined, ...more });

describe("the maxCostUsd guard of inline requests", () => {
  test("on a backend without a price table, names the prices setting too", async () => {
    const outcome = await check([chat({ model: "llama-3-8b", max_tokens: 5 })], {
      maxCostUsd: 1,
      backend: compatibleProfile({}),
    });
    expect(outcome.failures).toEqual([
      {
        property: "maxCostUsd",
        reason:
          'there is no price for model llama-3-8b, so the batch cannot be held to maxCostUsd $1.00; pass prices: { "llama-3-8b": { input, output } } in US dollars per million tokens at batch rates, or set openai:prices (the package ships prices for OpenAI only)',
      },
    ]);
  });

  test("on OpenAI, a request without a model is named as such", async () => {
    const outcome = await check([chat({ max_tokens: 5 })], { maxCostUsd: 1 });
    expect(outcome.failures[0]?.reason).toBe(
      'there is no price for model (none), so the batch cannot be held to maxCostUsd $1.00; pass prices: { "model": { input, output } } in US dollars per million tokens at batch rates',
    );
  });

  test("names a mapped deployment without a price with its model, in the plugin's settings", async () => {
    const outcome = await check([chat({ model: "batch-mini", max_tokens: 5 })], {
      maxCostUsd: 2,
      backend: azureProfile({ "batch-mini": "gpt-4o-mini" }),
      configNamespace: "openai-batch",
    });
    expect(outcome.failures[0]?.reason).toBe(
      'there is no price for deployment batch-mini (model gpt-4o-mini), so the batch cannot be held to maxCostUsd $2.00; pass prices: { "gpt-4o-mini": { input, output } } in US dollars per million tokens at batch rates, or set openai-batch:prices (the package ships prices for OpenAI only)',
    );
  });

  test("cannot hold an endpoint whose tokens are not counted; counts its requests and their model", async () => {
    const requests: BatchRequestLine[] = [
      {
        custom_id: "a",
        method: "POST",
        url: "/v1/moderations",
        body: { model: "omni-moderation-latest", input: "x" },
      },
      { custom_id: "b", method: "POST", url: "/v1/moderations", body: { model: "other", input: "y" } },
    ];
    const outcome = await check(requests, {
      endpoint: "/v1/moderations",
      maxCostUsd: 1,
      prices: { "omni-moderation-latest": { input: 0.1, output: 0.1 } },
    });
    expect(outcome.estimate).toMatchObject({ requests: 2, model: "omni-moderation-latest" });
    expect(outcome.estimate).not.toHaveProperty("inputTokens");
    expect(outcome.failures[0]?.reason).toBe(
      "the tokens of this endpoint are not counted, so the batch cannot be held to maxCostUsd $1.00; remove maxCostUsd",
    );
  });

  test("holds a bounded batch under the bound, and none without a bound", async () => {
    const requests = [chat({ model: "gpt-4o-mini", max_tokens: 5 })];
    expect((await check(requests, { maxCostUsd: 1 })).failures).toEqual([]);
    const outcome = await check([chat({ model: "gpt-4o-mini" })]);
    expect(outcome).toMatchObject({ failures: [], counted: true });
    expect(outcome.estimate).not.toHaveProperty("maxCostUsd");
  });
});
