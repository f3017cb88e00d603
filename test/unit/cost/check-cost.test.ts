import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { checkBatch } from "../../../provider/runtime/check";
import { createLogger } from "../../../provider/runtime/logger";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const CHAT = "/v1/chat/completions";
// "Hello" is one token in o200k_base: 3 (message) + 1 ("user") + 1 ("Hello") + 3 (reply) = 8 per request.
const MESSAGES = [{ role: "user", content: "Hello" }];
const line = (id: string, body: Record<string, unknown>) => ({
  custom_id: id,
  method: "POST",
  url: CHAT,
  body,
});
const bounded = (id: string, maxTokens = 1_000_000) =>
  line(id, { model: "gpt-4o-mini", messages: MESSAGES, max_tokens: maxTokens });

function project(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "check-cost-"));
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), content);
  }
  return dir;
}
const jsonl = (...lines: object[]) => `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`;

describe("the estimate at check", () => {
  test("is added to the inputs, for inline requests", async () => {
    const { inputs, failures } = await checkBatch(
      { endpoint: CHAT, requests: [bounded("a"), bounded("b")] },
      project(),
    );
    expect(failures).toEqual([]);
    // gpt-4o-mini at batch rates: 0.075 input, 0.30 output per million tokens.
    expect(inputs.estimate).toEqual({
      model: "gpt-4o-mini",
      requests: 2,
      inputTokens: 16,
      maxOutputTokens: 2_000_000,
      inputCostUsd: 0.000001,
      maxCostUsd: 0.600001,
      priceAsOf: "2025-08-07",
    });
  });

  test("a given price is used, and an unknown model is only a warning", async () => {
    const lines: string[] = [];
    const log = createLogger("warn", (text) => lines.push(text));
    const requests = [line("a", { model: "house-1", messages: MESSAGES, max_tokens: 10 })];
    const plain = await checkBatch({ endpoint: CHAT, requests }, project(), { log });
    expect(plain.failures).toEqual([]);
    expect(plain.inputs.estimate).toEqual({
      model: "house-1",
      requests: 1,
      inputTokens: 8,
      maxOutputTokens: 10,
    });
    expect(lines.join("")).toContain("no price for model house-1");
    const priced = await checkBatch(
      { endpoint: CHAT, requests, prices: { "house-1": { input: 1000, output: 2000 } } },
      project(),
    );
    expect(priced.inputs.estimate).toMatchObject({
      inputCostUsd: 0.008,
      maxCostUsd: 0.028,
      priceAsOf: "prices argument",
    });
  });
});

describe("the maxCostUsd guard", () => {
  test("passes at or under the bound", async () => {
    const { failures } = await checkBatch(
      { endpoint: CHAT, requests: [bounded("a")], maxCostUsd: 0.300001 },
      project(),
    );
    expect(failures).toEqual([]);
  });

  test("fails over the bound, naming the figures and what to change", async () => {
    const { failures } = await checkBatch(
      { endpoint: CHAT, requests: [bounded("a"), bounded("b")], maxCostUsd: 0.5 },
      project(),
    );
    expect(failures).toEqual([
      {
        property: "maxCostUsd",
        reason:
          "the batch can cost up to $0.600001 (2 requests, 16 input tokens at most $0.000001, and up to 2000000 output tokens, prices of 2025-08-07), over maxCostUsd $0.50; raise maxCostUsd, lower the requests' output limits, or send fewer requests",
      },
    ]);
  });

  test("prints its dollars in fixed notation, a budget under a millionth of a dollar too", async () => {
    // 8 input tokens at $0.075 and 1 output token at $0.30 per million: $0.0000009, kept as $0.000001.
    const { failures } = await checkBatch(
      { endpoint: CHAT, requests: [bounded("a", 1)], maxCostUsd: 0.0000001 },
      project(),
    );
    expect(failures.map((failure) => failure.reason)).toEqual([
      "the batch can cost up to $0.000001 (1 request, 8 input tokens at most $0.000001, and up to 1 output token, prices of 2025-08-07), over maxCostUsd $0.0000001; raise maxCostUsd, lower the requests' output limits, or send fewer requests",
    ]);
  });

  test("fails when output is unbounded, until assumedOutputTokensPerRequest bounds it", async () => {
    const requests = [bounded("a", 10), line("b", { model: "gpt-4o-mini", messages: MESSAGES })];
    const unbounded = await checkBatch({ endpoint: CHAT, requests, maxCostUsd: 1 }, project());
    expect(unbounded.failures).toHaveLength(1);
    expect(unbounded.failures[0]?.reason).toContain("output is unbounded");
    expect(unbounded.failures[0]?.reason).toContain("assumedOutputTokensPerRequest");
    const assumed = await checkBatch(
      { endpoint: CHAT, requests, maxCostUsd: 1, assumedOutputTokensPerRequest: 500 },
      project(),
    );
    expect(assumed.failures).toEqual([]);
    expect(assumed.inputs.estimate?.maxOutputTokens).toBe(510);
  });

  test("fails for a model without a price", async () => {
    const requests = [line("a", { model: "house-1", messages: MESSAGES, max_tokens: 1 })];
    const { failures } = await checkBatch({ endpoint: CHAT, requests, maxCostUsd: 1 }, project());
    expect(failures[0]?.property).toBe("maxCostUsd");
    expect(failures[0]?.reason).toContain('pass prices: { "house-1": { input, output } }');
  });

  test("fails with inputFileId, whose content is not read", async () => {
    const { failures } = await checkBatch(
      { endpoint: CHAT, inputFileId: "file-abc", maxCostUsd: 1 },
      project(),
    );
    expect(failures.map((f) => f.property)).toEqual(["maxCostUsd"]);
  });

  test("waits while a cost argument is unknown (preview)", async () => {
    const { failures, inputs } = await checkBatch(
      { endpoint: CHAT, requests: [bounded("a"), bounded("b")], maxCostUsd: UNKNOWN },
      project(),
    );
    expect(failures).toEqual([]);
    expect(inputs.estimate?.maxCostUsd).toBe(0.600001);
  });

  test.each([
    [{ maxCostUsd: -1 }, "maxCostUsd"],
    [{ maxCostUsd: "5" }, "maxCostUsd"],
    [{ assumedOutputTokensPerRequest: 1.5 }, "assumedOutputTokensPerRequest"],
    [{ prices: { "gpt-4o": { input: "1", output: 1 } } }, "prices"],
  ])("rejects %j", async (args, property) => {
    const { failures } = await checkBatch({ endpoint: CHAT, requests: [bounded("a")], ...args }, project());
    expect(failures.map((f) => f.property)).toEqual([property]);
  });
});

describe("the token cache", () => {
  test("a second check of the same file reads the tally from the cache instead of counting", async () => {
    const dir = project({ "in.jsonl": jsonl(bounded("a"), bounded("b")) });
    const first = await checkBatch({ endpoint: CHAT, inputFile: "in.jsonl" }, dir);
    expect(first.inputs.estimate?.inputTokens).toBe(16);
    const cacheDir = join(dir, ".pulumi-openai-batch", "cache");
    const [entry, ...others] = readdirSync(cacheDir);
    expect(others).toEqual([]);
    expect(readFileSync(join(dir, ".pulumi-openai-batch", ".gitignore"), "utf8")).toContain("*");
    // Change the cached count: if the second check counted, it would see 16 again.
    const path = join(cacheDir, entry ?? "");
    writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, "utf8")), inputTokens: 4242 }));
    const second = await checkBatch({ endpoint: CHAT, inputFile: "in.jsonl" }, dir);
    expect(second.inputs.estimate?.inputTokens).toBe(4242);
  });

  test("a changed file is counted again", async () => {
    const dir = project({ "in.jsonl": jsonl(bounded("a")) });
    await checkBatch({ endpoint: CHAT, inputFile: "in.jsonl" }, dir);
    writeFileSync(join(dir, "in.jsonl"), jsonl(bounded("a"), bounded("b"), bounded("c")));
    const again = await checkBatch({ endpoint: CHAT, inputFile: "in.jsonl" }, dir);
    expect(again.inputs.estimate?.inputTokens).toBe(24);
    expect(readdirSync(join(dir, ".pulumi-openai-batch", "cache"))).toHaveLength(2);
  });
});
