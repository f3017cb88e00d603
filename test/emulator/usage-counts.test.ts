import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { tallyFile } from "../../provider/cost/count-file";
import { countRequestLine } from "../../provider/cost/tally";
import { createBatch, fileLines, requestLine, startTestEmulator, type TestEmulator } from "./support/harness";

let env: TestEmulator;
const dir = mkdtempSync(join(tmpdir(), "usage-counts-"));
beforeAll(async () => {
  env = await startTestEmulator();
});
afterAll(() => env.close());

const TOOL = {
  type: "function",
  function: {
    name: "label",
    description: "Labels a ticket.",
    parameters: {
      properties: { kind: { type: "string", description: "The kind", enum: ["bug", "question"] } },
    },
  },
};

// The estimate (the package's tokenizer, over gpt-tokenizer's tables) and the emulator's usage
// (tiktoken, with a request walk of its own) are two implementations: these tests compare them.
describe("the emulator's usage counts input as the estimate does", () => {
  test.each([
    [
      "/v1/chat/completions",
      [
        {
          model: "gpt-4o-mini",
          messages: [
            { role: "system", content: "Sois bref." },
            { role: "user", name: "ana", content: "設定 が 落ちる 😡" },
          ],
          tools: [TOOL],
        },
        {
          model: "gpt-4o-mini",
          messages: [{ role: "user", content: [{ type: "text", text: "Qu'est-ce ?" }] }],
        },
      ],
    ],
    [
      "/v1/chat/completions",
      [{ model: "gpt-4-turbo", messages: [{ role: "user", content: "An older model: cl100k_base 🙂" }] }],
    ],
    ["/v1/responses", [{ model: "gpt-5-mini", instructions: "Be brief.", input: "Grüß Gott 👋" }]],
    ["/v1/completions", [{ model: "gpt-3.5-turbo-instruct", prompt: ["Say ¡hola!", "Say 你好"] }]],
    [
      "/v1/embeddings",
      [
        { model: "text-embedding-3-small", input: ["naïve café", "東京"] },
        { model: "text-embedding-3-small", input: [[1, 2, 3]] },
      ],
    ],
  ])("%s", async (endpoint, bodies) => {
    const content = `${bodies.map((body, index) => requestLine(`r${index}`, endpoint, body)).join("\n")}\n`;
    const path = join(dir, `${endpoint.replaceAll("/", "_")}.jsonl`);
    writeFileSync(path, content);
    const estimated = await tallyFile(path, endpoint);
    const batch = await createBatch(env.client, content, endpoint);
    await env.emulator.advance(60_000);
    const done = await env.client.batches.retrieve(batch.id);
    expect(done.status).toBe("completed");
    expect(estimated.inputTokens).toBeGreaterThan(0);
    expect(done.usage?.input_tokens).toBe(estimated.inputTokens);
  });
});

/** A seeded generator, so that the corpus is the same in every run. */
function seeded(seed: number): (below: number) => number {
  let state = seed;
  return (below) => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return (state >>> 8) % below;
  };
}

const PIECES = [
  "The customer says the app crashes when they open settings.",
  " Le client dit que l'application plante à l'ouverture des réglages.",
  " Der Kunde sagt, die App stürzt ab.",
  "お客様によると、設定を開くとアプリがクラッシュします。",
  "東京の天気は晴れ",
  " 😡👍🏽👩‍👩‍👧‍👦🇫🇷",
  "function f(x) {\n\treturn x + 1;\n}\n",
  "  indented\n\n\n",
  "   \n  ",
  " <|endoftext|> <|im_start|>",
  " 3.14159 1234567890",
  " Привет, мир",
  " مرحبا",
  " naïve café",
  "\u0301\u00a0\u3000",
  " don't, we'll, they've, I'M",
  " https://example.com/a?b=1&c=2",
  " ".repeat(40),
  "=".repeat(60),
];

/** Texts of a few pieces each, from the seeded generator. */
function texts(count: number, seed: number): string[] {
  const random = seeded(seed);
  return Array.from({ length: count }, () =>
    Array.from({ length: 1 + random(5) }, () => PIECES[random(PIECES.length)]).join(""),
  );
}

const FUNCTION_TOOL = {
  type: "function",
  function: {
    name: "classify",
    description: "Classifies a ticket.",
    parameters: {
      type: "object",
      properties: {
        kind: { type: "string", description: "The kind.", enum: ["bug", "question", "praise"] },
        urgent: { type: "boolean", description: "Whether it is urgent" },
        tags: { type: "array", items: { type: "string" } },
      },
    },
  },
};

/** Request bodies of every shape the estimate counts, for one endpoint and model, over a corpus of texts. */
function corpus(endpoint: string, model: string): Record<string, unknown>[] {
  const t = texts(60, endpoint.length + model.length);
  const pick = (index: number) => t[index % t.length]!;
  switch (endpoint) {
    case "/v1/chat/completions":
      return Array.from({ length: 30 }, (_, index) => ({
        model,
        messages: [
          { role: "system", content: pick(index) },
          { role: "user", name: `user_${index}`, content: pick(index + 1) },
          {
            role: "user",
            content: [
              { type: "text", text: pick(index + 2) },
              { type: "image_url", image_url: { url: "https://example.com/a.png" } },
            ],
          },
          {
            role: "assistant",
            content: null,
            tool_calls: [
              { id: "call_1", type: "function", function: { name: "classify", arguments: '{"kind":"bug"}' } },
            ],
          },
          { role: "tool", tool_call_id: "call_1", content: pick(index + 3) },
          { role: "assistant", content: [{ type: "refusal", refusal: pick(index + 4) }] },
        ],
        ...(index % 2 === 0 ? { tools: [FUNCTION_TOOL] } : {}),
        max_tokens: 50,
      }));
    case "/v1/responses":
      return Array.from({ length: 20 }, (_, index) => ({
        model,
        ...(index % 2 === 0 ? { instructions: pick(index) } : {}),
        input:
          index % 3 === 0
            ? pick(index + 1)
            : [
                {
                  role: "user",
                  content: [
                    { type: "input_text", text: pick(index + 2) },
                    { type: "input_image", image_url: "https://example.com/b.png" },
                  ],
                },
                { role: "assistant", content: [{ type: "output_text", text: pick(index + 3) }] },
                { type: "function_call_output", call_id: "c", output: pick(index + 4) },
              ],
        ...(index % 4 === 1
          ? { tools: [{ type: "function", ...FUNCTION_TOOL.function }, { type: "web_search" }] }
          : {}),
      }));
    case "/v1/completions":
      return Array.from({ length: 15 }, (_, index) => ({
        model,
        prompt:
          index % 3 === 0
            ? pick(index)
            : index % 3 === 1
              ? [pick(index), pick(index + 1)]
              : [
                  [1, 2, 3],
                  [4, 5],
                ],
      }));
    default:
      return Array.from({ length: 15 }, (_, index) => ({
        model: "text-embedding-3-small",
        input:
          index % 3 === 0 ? pick(index) : index % 3 === 1 ? [pick(index), pick(index + 1)] : [10, 20, 30, 40],
      }));
  }
}

describe("on a corpus of requests, each request's usage equals its estimate", () => {
  test.each([
    ["/v1/chat/completions", "gpt-4o-mini"],
    ["/v1/chat/completions", "gpt-4-turbo"],
    ["/v1/responses", "gpt-5-mini"],
    ["/v1/responses", "gpt-4.1-2025-04-14"],
    ["/v1/completions", "gpt-3.5-turbo-instruct"],
    ["/v1/embeddings", "text-embedding-3-small"],
  ])("%s, %s", async (endpoint, model) => {
    const bodies = corpus(endpoint, model);
    const lines = bodies.map((body, index) => requestLine(`c${index}`, endpoint, body));
    const batch = await createBatch(env.client, `${lines.join("\n")}\n`, endpoint);
    await env.emulator.advance(60_000);
    const done = await env.client.batches.retrieve(batch.id);
    expect(done.status).toBe("completed");
    const answered = new Map(
      (await fileLines(env.client, done.output_file_id!)).map((line) => {
        const usage = (line.response as { body: { usage: Record<string, number> } }).body.usage;
        return [line.custom_id as string, usage.prompt_tokens ?? usage.input_tokens] as const;
      }),
    );
    const differences = lines.flatMap((line, index) => {
      const estimated = countRequestLine(line, endpoint as "/v1/chat/completions")?.input;
      const used = answered.get(`c${index}`);
      return estimated === used ? [] : [{ request: index, estimated, used }];
    });
    expect(answered.size).toBe(bodies.length);
    expect(differences).toEqual([]);
  });
});
