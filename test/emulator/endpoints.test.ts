import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DEFAULT_EMBEDDING_DIMENSIONS, embeddingVector } from "../../provider/emulator/execution/embeddings";
import { executeRequest } from "../../provider/emulator/execution/execute-request";
import { UsageCounter } from "../../provider/emulator/tokens/usage-counter";
import { createBatch, fileLines, requestLine, startTestEmulator, type TestEmulator } from "./support/harness";

const CTX = { batchId: "batch_x", customId: "c1", line: 1, createdSec: 1_700_000_000, seed: "seed" };
const TOKENS = new UsageCounter();

let env: TestEmulator;
beforeAll(async () => {
  env = await startTestEmulator();
});
afterAll(() => env.close());

async function runOne(endpoint: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const batch = await createBatch(env.client, requestLine("only", endpoint, body), endpoint);
  await env.emulator.advance(60_000);
  const done = await env.client.batches.retrieve(batch.id);
  expect(done.status).toBe("completed");
  const [line] = await fileLines(env.client, done.output_file_id!);
  return (line!.response as { body: Record<string, unknown> }).body;
}

describe("each endpoint answers with its own object", () => {
  test.each([
    [
      "/v1/chat/completions",
      { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] },
      { object: "chat.completion", model: "gpt-4o-mini" },
    ],
    [
      "/v1/responses",
      { model: "gpt-5", input: "hi" },
      { object: "response", status: "completed", model: "gpt-5" },
    ],
    ["/v1/completions", { model: "gpt-3.5-turbo-instruct", prompt: "hi" }, { object: "text_completion" }],
    [
      "/v1/embeddings",
      { model: "text-embedding-3-small", input: ["a", "b"] },
      { object: "list", model: "text-embedding-3-small" },
    ],
    ["/v1/moderations", { input: "hi" }, { model: "omni-moderation-latest" }],
    ["/v1/images/generations", { model: "gpt-image-1", prompt: "a cat" }, { output_format: "png" }],
    [
      "/v1/images/edits",
      { model: "gpt-image-1", prompt: "a hat", images: [{ file_id: "file-x" }] },
      { output_format: "png" },
    ],
    [
      "/v1/videos",
      { model: "sora-2", prompt: "a wave" },
      { object: "video", status: "completed", model: "sora-2" },
    ],
  ] as [string, Record<string, unknown>, Record<string, unknown>][])(
    "%s",
    async (endpoint, body, expected) => {
      expect(await runOne(endpoint, body)).toMatchObject(expected);
    },
  );

  test("a chat completion has choices and usage", async () => {
    const body = await runOne("/v1/chat/completions", {
      model: "m",
      messages: [{ role: "user", content: "hello there" }],
      n: 2,
    });
    expect(body.choices).toEqual(
      [0, 1].map((index) => ({
        index,
        message: {
          role: "assistant",
          content: expect.stringContaining('"hello there"'),
          refusal: null,
          annotations: [],
        },
        logprobs: null,
        finish_reason: "stop",
      })),
    );
    expect(body.usage).toMatchObject({
      prompt_tokens: expect.any(Number),
      completion_tokens: expect.any(Number),
    });
  });

  test("embeddings are fixed-size unit vectors that depend only on model and input", async () => {
    const body = await runOne("/v1/embeddings", { model: "e", input: ["same", "other", "same"] });
    const vectors = (body.data as { embedding: number[]; index: number }[]).map((d) => d.embedding);
    expect(vectors.map((v) => v.length)).toEqual([16, 16, 16]);
    expect(vectors[0]).toEqual(vectors[2]);
    expect(vectors[0]).not.toEqual(vectors[1]);
    expect(Math.abs(Math.hypot(...vectors[0]!) - 1)).toBeLessThan(1e-6);
    expect(vectors[0]).toEqual(embeddingVector("e", JSON.stringify("same"), DEFAULT_EMBEDDING_DIMENSIONS));
  });

  test("embeddings honour dimensions and base64 encoding", async () => {
    const result = await executeRequest(
      "/v1/embeddings",
      { model: "e", input: "x", dimensions: 4, encoding_format: "base64" },
      CTX,
      TOKENS,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [item] = result.value.body.data as { embedding: string }[];
    const floats = new Float32Array(Uint8Array.from(Buffer.from(item!.embedding, "base64")).buffer);
    expect([...floats]).toEqual(embeddingVector("e", JSON.stringify("x"), 4).map((x) => Math.fround(x)));
  });

  test("a moderation flags input with the flag word", async () => {
    const result = await executeRequest(
      "/v1/moderations",
      { input: ["fine", "__emulator_flag__"] },
      CTX,
      TOKENS,
    );
    if (!result.ok) throw new RangeError("expected success");
    expect((result.value.body.results as { flagged: boolean }[]).map((r) => r.flagged)).toEqual([
      false,
      true,
    ]);
  });
});

describe("requests the endpoint refuses", () => {
  test("a response whose input comes from a reusable prompt is answered", async () => {
    expect(
      (await executeRequest("/v1/responses", { model: "m", prompt: { id: "pmpt_1" } }, CTX, TOKENS)).ok,
    ).toBe(true);
  });

  test.each([
    ["/v1/chat/completions", { model: "m" }, "messages"],
    ["/v1/chat/completions", { messages: [] }, "model"],
    ["/v1/embeddings", { model: "m" }, "input"],
    ["/v1/completions", { model: "m" }, "prompt"],
    ["/v1/responses", { input: "x" }, "model"],
    ["/v1/responses", { model: "m" }, "input"],
    ["/v1/images/edits", { prompt: "a hat" }, "images"],
    ["/v1/images/edits", { images: [{ file_id: "file-x" }] }, "prompt"],
    ["/v1/moderations", {}, "input"],
    ["/v1/images/generations", { model: "m" }, "prompt"],
    ["/v1/videos", {}, "prompt"],
  ] as const)("%s with body %j is refused for lack of %s", async (endpoint, body, param) => {
    expect(await executeRequest(endpoint, body, CTX, TOKENS)).toEqual({
      ok: false,
      value: {
        status: 400,
        error: {
          message: `Missing required parameter: '${param}'.`,
          type: "invalid_request_error",
          param,
          code: "missing_required_parameter",
        },
      },
    });
  });

  test("the same request always gets the same answer", async () => {
    const body = { model: "m", messages: [{ role: "user", content: "x" }] };
    expect(await executeRequest("/v1/chat/completions", body, CTX, TOKENS)).toEqual(
      await executeRequest("/v1/chat/completions", body, CTX, TOKENS),
    );
  });
});
