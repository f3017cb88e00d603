import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { costOfUsage } from "../../../provider/cost/actual";
import { estimateCost } from "../../../provider/cost/estimate";
import { BATCH_PRICE_TABLE, type ModelPrice, PRICE_TABLE_AS_OF } from "../../../provider/cost/price-table";
import { priceOf, pricesProblems } from "../../../provider/cost/prices";
import { emptyTally, type TokenTally } from "../../../provider/cost/tally";
import { REPO_ROOT } from "../../support/repo";

const tally = (overrides: Partial<TokenTally>): TokenTally => ({
  ...emptyTally("/v1/chat/completions"),
  model: "gpt-4o-mini",
  requests: 2,
  inputTokens: 1_000_000,
  maxOutputTokens: 200_000,
  ...overrides,
});

describe("the price table", () => {
  test("is dated, and every rate is a non-negative number with cached input no dearer than input", () => {
    expect(PRICE_TABLE_AS_OF).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const [model, price] of Object.entries(BATCH_PRICE_TABLE)) {
      expect(price.input, model).toBeGreaterThanOrEqual(0);
      expect(price.output, model).toBeGreaterThanOrEqual(0);
      expect(price.cachedInput ?? price.input, model).toBeLessThanOrEqual(price.input);
    }
  });

  test("is the table docs/cost.md shows, row by row, with the same date", () => {
    const page = readFileSync(join(REPO_ROOT, "docs", "cost.md"), "utf8");
    const section = page.slice(page.indexOf("## Prices"));
    expect(section).toContain(`**dated ${PRICE_TABLE_AS_OF}**`);
    const rows = section
      .split("\n")
      .filter((line) => line.startsWith("| `"))
      .map((line) => line.split("|").map((cell) => cell.trim()));
    expect(rows.length).toBeGreaterThan(0);
    const documented: Record<string, ModelPrice> = {};
    for (const [, models, input, cached, output] of rows) {
      const price = (cell: string | undefined) =>
        cell === undefined || cell === "" ? undefined : Number(cell);
      for (const [, model] of (models ?? "").matchAll(/`([^`]+)`/g)) {
        documented[model as string] = {
          input: price(input) as number,
          ...(price(cached) === undefined ? {} : { cachedInput: price(cached) as number }),
          // An empty output cell is a model that answers with no output tokens (embeddings).
          output: price(output) ?? 0,
        };
      }
    }
    expect(documented).toEqual(BATCH_PRICE_TABLE);
  });

  test("moderation is free; embeddings have no output price", () => {
    expect(BATCH_PRICE_TABLE["omni-moderation-latest"]).toEqual({ input: 0, output: 0 });
    expect(BATCH_PRICE_TABLE["text-embedding-3-small"]?.output).toBe(0);
  });

  test("a dated snapshot takes its family's price; a given price wins over the table", () => {
    expect(priceOf("gpt-4o-mini-2024-07-18")).toEqual({
      price: BATCH_PRICE_TABLE["gpt-4o-mini"],
      asOf: PRICE_TABLE_AS_OF,
    });
    const given = { input: 1, output: 2 };
    expect(priceOf("gpt-4o-mini-2024-07-18", { "gpt-4o-mini": given })).toEqual({
      price: given,
      asOf: "prices argument",
    });
    expect(priceOf("my-model", { "my-model": given })).toEqual({ price: given, asOf: "prices argument" });
    expect(priceOf("my-model")).toBeUndefined();
    expect(priceOf("toString")).toBeUndefined();
  });

  test.each([
    [{ "gpt-4o": { input: 1, output: 2, cachedInput: 0.5 } }, []],
    [[], ["prices must be an object of model names"]],
    [{ "gpt-4o": 3 }, ['prices["gpt-4o"] must be an object']],
    [
      { "gpt-4o": { input: -1, output: 2 } },
      ['prices["gpt-4o"].input is -1; give US dollars per million tokens'],
    ],
    [
      { "gpt-4o": { input: Number.NaN, output: 2 } },
      ['prices["gpt-4o"].input is NaN, which is not a price; give US dollars per million tokens'],
    ],
    [{ "gpt-4o": { input: 1 } }, ['prices["gpt-4o"].output is missing']],
    [{ "gpt-4o": { input: 1, output: 1, cached: 1 } }, ['prices["gpt-4o"].cached is not a price']],
  ])("prices %j: %j", (value, starts) => {
    const problems = pricesProblems(value);
    expect(problems).toHaveLength(starts.length);
    for (const [index, start] of starts.entries()) {
      expect(problems[index]).toContain(start);
    }
  });
});

describe("estimateCost", () => {
  test("prices input and the most output at the table's batch rates", () => {
    expect(estimateCost(tally({}))).toEqual({
      estimate: {
        model: "gpt-4o-mini",
        requests: 2,
        inputTokens: 1_000_000,
        maxOutputTokens: 200_000,
        inputCostUsd: 0.075,
        maxCostUsd: 0.135,
        priceAsOf: PRICE_TABLE_AS_OF,
      },
      warnings: [],
    });
  });

  test("unbounded output gives no upper bound and says what to set", () => {
    const outcome = estimateCost(tally({ unboundedRequests: 1 }));
    expect(outcome.estimate).toMatchObject({ maxOutputTokens: null, inputCostUsd: 0.075, maxCostUsd: null });
    expect(outcome.warnings).toEqual([
      "1 of 2 requests sets no output limit, so output is unbounded; set max_tokens (max_completion_tokens, max_output_tokens) on each request, or assumedOutputTokensPerRequest",
    ]);
  });

  test("assumedOutputTokensPerRequest bounds the requests without a limit", () => {
    const { estimate } = estimateCost(tally({ unboundedRequests: 2 }), {
      assumedOutputTokensPerRequest: 50_000,
    });
    expect(estimate).toMatchObject({ maxOutputTokens: 300_000, maxCostUsd: 0.165 });
  });

  test("an unknown model gives counts and a warning, not a failure", () => {
    const outcome = estimateCost(tally({ model: "future-1" }));
    expect(outcome.estimate).toEqual({
      model: "future-1",
      requests: 2,
      inputTokens: 1_000_000,
      maxOutputTokens: 200_000,
      inputCostUsd: null,
      maxCostUsd: null,
      priceAsOf: null,
    });
    expect(outcome.warnings).toEqual([
      "model future-1 is not one this package knows; its tokens were counted with o200k_base",
      'no price for model future-1; pass prices: { "future-1": { input, output } } to price it',
    ]);
  });

  test("a given price prices an unknown model", () => {
    const { estimate } = estimateCost(tally({ model: "future-1" }), {
      prices: { "future-1": { input: 2, output: 10 } },
    });
    expect(estimate).toMatchObject({ inputCostUsd: 2, maxCostUsd: 4, priceAsOf: "prices argument" });
  });

  test("moderation costs nothing though its tokens are not counted", () => {
    const moderation = { ...emptyTally("/v1/moderations"), model: "omni-moderation-latest", requests: 5 };
    expect(estimateCost(moderation).estimate).toEqual({
      model: "omni-moderation-latest",
      requests: 5,
      inputTokens: null,
      maxOutputTokens: null,
      inputCostUsd: 0,
      maxCostUsd: 0,
      priceAsOf: PRICE_TABLE_AS_OF,
    });
  });
});

describe("costOfUsage", () => {
  test("bills cached input at the cached rate and output (reasoning included) at the output rate", () => {
    const usage = {
      input_tokens: 2_000_000,
      output_tokens: 1_000_000,
      total_tokens: 3_000_000,
      input_tokens_details: { cached_tokens: 1_000_000 },
      output_tokens_details: { reasoning_tokens: 400_000 },
    };
    // gpt-4.1-mini at batch rates: 0.2 input, 0.05 cached, 0.8 output per million.
    expect(costOfUsage("gpt-4.1-mini", usage)).toBe(0.2 + 0.05 + 0.8);
    expect(costOfUsage("unknown-model", usage)).toBeUndefined();
  });
});
