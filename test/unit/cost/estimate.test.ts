import { describe, expect, test } from "vitest";
import { estimateCost } from "../../../provider/cost/estimate";
import { BATCH_PRICE_TABLE, PRICE_TABLE_AS_OF } from "../../../provider/cost/price-table";
import { priceOf, pricesProblems } from "../../../provider/cost/prices";
import { emptyTally, type TokenTally } from "../../../provider/cost/tally";

const tally = (overrides: Partial<TokenTally>): TokenTally => ({
  ...emptyTally("/v1/chat/completions"),
  model: "gpt-4o-mini",
  requests: 2,
  inputTokens: 1_000_000,
  maxOutputTokens: 200_000,
  ...overrides,
});

describe("a price with a zero rate charges the other rate", () => {
  test("embeddings (no output price) cost their input", () => {
    const embeddings = { ...emptyTally("/v1/embeddings"), model: "text-embedding-3-small", requests: 3 };
    const { estimate } = estimateCost({ ...embeddings, inputTokens: 2_000_000 });
    // 2M tokens at 0.01 per million.
    expect(estimate).toMatchObject({ inputCostUsd: 0.02, maxCostUsd: 0.02, priceAsOf: PRICE_TABLE_AS_OF });
  });

  test("a model whose input is free still costs its output", () => {
    const { estimate } = estimateCost(tally({ model: "m" }), { prices: { m: { input: 0, output: 2 } } });
    expect(estimate).toMatchObject({ inputCostUsd: 0, maxCostUsd: 0.4, priceAsOf: "prices argument" });
  });

  test("an endpoint whose tokens are not counted has no warning about its model", () => {
    const moderation = { ...emptyTally("/v1/moderations"), model: "omni-moderation-latest", requests: 5 };
    expect(estimateCost(moderation).warnings).toEqual([]);
    const unknown = { ...moderation, model: "moderation-next" };
    expect(estimateCost(unknown).warnings).toEqual([
      'no price for model moderation-next; pass prices: { "moderation-next": { input, output } } to price it',
    ]);
  });
});

describe("what the estimate leaves out is said", () => {
  test("requests the API refuses for a long string, with the first one's line when known", () => {
    const where = estimateCost(tally({ refusedRequests: 1, firstRefusedLine: 7 })).warnings;
    expect(where).toEqual([
      "1 of 2 requests (on line 7) holds a string of more than 10,485,760 characters, the most the API takes in one string: the API will fail it (string_above_max_length), so its tokens are not counted; shorten that string or split the requests",
    ]);
    const nowhere = estimateCost(tally({ refusedRequests: 2 })).warnings;
    expect(nowhere[0]).toMatch(/^2 of 2 requests hold a string of more than/);
  });

  test("images, audio, files and built-in tools are not counted", () => {
    expect(estimateCost(tally({ uncountedParts: 3 })).warnings).toEqual([
      "3 images, audio or file parts, or built-in tools, are not counted; the input tokens are a lower bound",
    ]);
  });
});

describe("deployments (Azure) and the settings that name their models and prices", () => {
  const azure = { deployments: true, sources: { table: false } } as const;

  test("a deployment mapped to a model is priced as that model, from the prices setting", () => {
    const outcome = estimateCost(tally({ model: "batch-mini" }), {
      ...azure,
      models: { "batch-mini": "gpt-4o-mini" },
      sources: { table: false, settings: { "gpt-4o-mini": { input: 0.1, output: 0.4 } } },
    });
    expect(outcome).toEqual({
      estimate: expect.objectContaining({ model: "gpt-4o-mini", inputCostUsd: 0.1, maxCostUsd: 0.18 }),
      warnings: [],
    });
  });

  test("a deployment not in the models map is named once, with the setting that fixes it", () => {
    const { warnings } = estimateCost(tally({ model: "batch-mini" }), azure);
    expect(warnings).toEqual([
      'deployment batch-mini is not in openai:models, so its model is not known; its tokens were counted with o200k_base (the encoding of every Azure batch model) and it has no price; map it with openai:models {"batch-mini": "<model>"}',
    ]);
  });

  test("under the plugin, the warnings name the plugin's settings", () => {
    const { warnings } = estimateCost(tally({ model: "batch-mini" }), {
      ...azure,
      configNamespace: "openai-batch",
    });
    expect(warnings[0]).toContain('map it with openai-batch:models {"batch-mini": "<model>"}');
    const unpriced = estimateCost(tally({ model: "future-1" }), {
      sources: { table: false },
      configNamespace: "x",
    });
    expect(unpriced.warnings[1]).toContain("or set x:prices, to price it");
  });

  test("a mapped deployment without a price names the deployment and its model", () => {
    const { warnings } = estimateCost(tally({ model: "batch-mini" }), {
      ...azure,
      models: { "batch-mini": "gpt-4o-mini" },
    });
    expect(warnings).toEqual([
      'no price for deployment batch-mini (model gpt-4o-mini): the package ships prices for OpenAI only; pass prices: { "gpt-4o-mini": { input, output } }, or set openai:prices, to price it',
    ]);
  });

  test("a deployment mapped to a model this package does not know is named as the deployment", () => {
    const { warnings } = estimateCost(tally({ model: "batch-new" }), {
      ...azure,
      models: { "batch-new": "future-1" },
      prices: { "future-1": { input: 1, output: 1 } },
    });
    expect(warnings).toEqual([
      "deployment batch-new is not one this package knows; its tokens were counted with o200k_base",
    ]);
  });

  test("a deployment mapped to a model this package does not know, without a price, says both", () => {
    const { warnings } = estimateCost(tally({ model: "batch-new" }), {
      ...azure,
      models: { "batch-new": "future-1" },
    });
    expect(warnings).toEqual([
      "deployment batch-new is not one this package knows; its tokens were counted with o200k_base",
      'no price for deployment batch-new (model future-1): the package ships prices for OpenAI only; pass prices: { "future-1": { input, output } }, or set openai:prices, to price it',
    ]);
  });

  test("without deployments, a model name is a model even where a models map is given", () => {
    const { warnings } = estimateCost(tally({ model: "future-1" }), { models: {} });
    expect(warnings[0]).toBe(
      "model future-1 is not one this package knows; its tokens were counted with o200k_base",
    );
    expect(warnings[1]).toBe(
      'no price for model future-1; pass prices: { "future-1": { input, output } } to price it',
    );
  });

  test("the shipped table, where it applies, is said explicitly to apply", () => {
    const { warnings } = estimateCost(tally({ model: "future-1" }), { sources: { table: true } });
    expect(warnings[1]).toBe(
      'no price for model future-1; pass prices: { "future-1": { input, output } } to price it',
    );
  });
});

describe("priceOf: the argument, then the setting, then the table", () => {
  const given = { input: 1, output: 2 };
  const set = { input: 3, output: 4 };

  test("the setting prices a model, under the argument and over the table", () => {
    expect(priceOf("gpt-4o-mini", {}, { settings: { "gpt-4o-mini": set } })).toEqual({
      price: set,
      asOf: "prices setting",
    });
    expect(priceOf("gpt-4o-mini", { "gpt-4o-mini": given }, { settings: { "gpt-4o-mini": set } })).toEqual({
      price: given,
      asOf: "prices argument",
    });
  });

  test("without the table, a model it lists has no price", () => {
    expect(priceOf("gpt-4o-mini", {}, { table: false })).toBeUndefined();
    expect(priceOf("gpt-4o-mini", {}, { table: true })?.price).toEqual(BATCH_PRICE_TABLE["gpt-4o-mini"]);
  });

  test("only a date at the end of the name is a snapshot's", () => {
    expect(priceOf("gpt-4o-2024-08-06-mini")).toBeUndefined();
    expect(priceOf("gpt-4o-2024-08-06")?.price).toEqual(BATCH_PRICE_TABLE["gpt-4o"]);
  });
});

describe("pricesProblems: each rate", () => {
  test.each([
    ["free rates are prices", { m: { input: 0, output: 0, cachedInput: 0 } }, []],
    ["a null price", { m: null }, ['prices["m"] must be an object { input, output, cachedInput? }']],
    [
      "a negative cached rate",
      { m: { input: 1, output: 1, cachedInput: -0.5 } },
      ['prices["m"].cachedInput is -0.5; give US dollars per million tokens as a number of 0 or more'],
    ],
  ])("%s", (_name, value, problems) => {
    expect(pricesProblems(value)).toEqual(problems);
  });
});
