import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { tallyFile } from "../../provider/cost/count-file";
import { createBatch, requestLine, startTestEmulator, type TestEmulator } from "./support/harness";

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
