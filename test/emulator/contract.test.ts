import OpenAI, { toFile } from "openai";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { chatJsonl, requestLine, startTestEmulator, type TestEmulator } from "./support/harness";
import { type PrismProxy, specPathPrefix, startPrismProxy } from "./support/prism";
import { multipart } from "./support/raw-http";

/**
 * The emulator driven through Prism, a proxy that checks every request and response against the
 * official OpenAPI spec. A response that breaks the spec would come back as a Prism error (and
 * any violation at all shows in the `sl-violations` header, which must stay absent).
 */

let env: TestEmulator;
let prism: PrismProxy;
let client: OpenAI;
const prefix = specPathPrefix();

beforeAll(async () => {
  env = await startTestEmulator({
    durations: { validatingMs: 1_000, inProgressMs: 10_000, finalizingMs: 1_000, cancellingMs: 1_000 },
  });
  prism = await startPrismProxy(`${env.emulator.origin}${prefix}`);
  client = new OpenAI({ baseURL: prism.origin, apiKey: env.emulator.apiKey, maxRetries: 0 });
});
afterAll(async () => {
  await prism?.stop();
  await env?.close();
});

/** Runs an SDK call through Prism and checks that Prism found nothing wrong with it. */
async function conforming<T>(call: { withResponse(): Promise<{ data: T; response: Response }> }): Promise<T> {
  const { data, response } = await call.withResponse();
  expect(response.headers.get("sl-violations")).toBeNull();
  return data;
}

async function batchFile(content = chatJsonl(4)): Promise<OpenAI.FileObject> {
  return conforming(
    client.files.create({ file: await toFile(Buffer.from(content), "input.jsonl"), purpose: "batch" }),
  );
}

async function newBatch(content?: string): Promise<OpenAI.Batch> {
  const file = await batchFile(content);
  return conforming(
    client.batches.create({
      input_file_id: file.id,
      endpoint: "/v1/chat/completions",
      completion_window: "24h",
      metadata: { suite: "contract" },
      output_expires_after: { anchor: "created_at", seconds: 3600 },
    }),
  );
}

describe("responses to valid requests conform to the spec", () => {
  test("the spec's server URL puts the API under /v1", () => {
    expect(prefix).toBe("/v1");
  });

  test("files: create (with and without expiry), list, retrieve, delete", async () => {
    const file = await batchFile();
    const expiring = await conforming(
      client.files.create({
        file: await toFile(Buffer.from(chatJsonl(1)), "e.jsonl"),
        purpose: "batch",
        expires_after: { anchor: "created_at", seconds: 7200 },
      }),
    );
    expect(expiring.expires_at! - expiring.created_at).toBe(7200);
    const user = await conforming(
      client.files.create({ file: await toFile(Buffer.from("notes"), "n.txt"), purpose: "user_data" }),
    );
    const listed = await conforming(client.files.list({ limit: 2, order: "asc" }));
    expect(listed.data).toHaveLength(2);
    await conforming(client.files.list({ purpose: "vision" }));
    expect((await conforming(client.files.retrieve(file.id))).id).toBe(file.id);
    expect(await conforming(client.files.delete(user.id))).toEqual({
      id: user.id,
      object: "file",
      deleted: true,
    });
  });

  test("batches: every status, as created, listed, retrieved and cancelled", async () => {
    const { emulator } = env;
    const seen = new Set<string>();
    const look = async (id: string) => {
      const batch = await conforming(client.batches.retrieve(id));
      seen.add(batch.status);
      return batch;
    };
    const main = await newBatch();
    seen.add(main.status);
    await emulator.advance(1_000);
    await look(main.id);
    await emulator.advance(10_000);
    await look(main.id);
    await emulator.advance(1_000);
    expect((await look(main.id)).output_file_id).toMatch(/^file-[0-9A-Za-z]{22}$/);

    const failed = await newBatch(`${requestLine("a")}\n{oops\n`);
    const cancelled = await newBatch();
    const expired = await newBatch();
    await emulator.advance(1_000);
    expect((await look(failed.id)).errors?.data?.[0]).toMatchObject({ code: "invalid_json_line", line: 2 });
    seen.add((await conforming(client.batches.cancel(cancelled.id))).status);
    await emulator.setBatchStatus(expired.id, "in_progress", { stuck: true });
    await emulator.advance(1_000);
    await look(cancelled.id);
    await emulator.advance(86_400_000);
    await look(expired.id);
    expect([...seen].sort()).toEqual([
      "cancelled",
      "cancelling",
      "completed",
      "expired",
      "failed",
      "finalizing",
      "in_progress",
      "validating",
    ]);

    const page = await conforming(client.batches.list({ limit: 2 }));
    expect(page.has_more).toBe(true);
    await conforming(client.batches.list({ limit: 100, after: main.id }));
  });

  test("uploads: create, add parts, complete, cancel", async () => {
    const content = chatJsonl(2);
    const upload = await conforming(
      client.uploads.create({
        bytes: content.length,
        filename: "u.jsonl",
        mime_type: "text/jsonl",
        purpose: "batch",
      }),
    );
    const part = await conforming(
      client.uploads.parts.create(upload.id, { data: await toFile(Buffer.from(content), "p") }),
    );
    const done = await conforming(client.uploads.complete(upload.id, { part_ids: [part.id] }));
    expect(done.file?.bytes).toBe(content.length);
    const other = await conforming(
      client.uploads.create({ bytes: 1, filename: "v.jsonl", mime_type: "text/jsonl", purpose: "batch" }),
    );
    expect((await conforming(client.uploads.cancel(other.id))).status).toBe("cancelled");
  });

  test("file content is checked directly: the spec declares it JSON, the API sends the raw bytes", async () => {
    const file = await batchFile(chatJsonl(2));
    expect(await (await env.client.files.content(file.id)).text()).toBe(chatJsonl(2));
    const viaPrism = await fetch(`${prism.origin}/files/${file.id}/content`, {
      headers: { authorization: `Bearer ${env.emulator.apiKey}` },
    });
    const problem = (await viaPrism.json()) as { validation: { message: string }[] };
    expect(problem.validation.map((v) => v.message)).toEqual([
      'The received media type "application/octet-stream" does not match the one specified in the current response: application/json',
    ]);
  });
});

describe("requests the spec forbids are refused by the emulator too", () => {
  let uploadId: string;
  beforeAll(async () => {
    uploadId = (
      await env.client.uploads.create({
        bytes: 1,
        filename: "x.jsonl",
        mime_type: "text/jsonl",
        purpose: "batch",
      })
    ).id;
  });

  const batch = { input_file_id: "file-x", endpoint: "/v1/chat/completions", completion_window: "24h" };
  const cases: [string, string, string, unknown][] = [
    [
      "a batch without input_file_id",
      "POST",
      "/batches",
      { endpoint: batch.endpoint, completion_window: "24h" },
    ],
    ["a batch with completion_window 48h", "POST", "/batches", { ...batch, completion_window: "48h" }],
    ["a batch with an unknown endpoint", "POST", "/batches", { ...batch, endpoint: "/v1/audio/speech" }],
    ["a batch with a number in metadata", "POST", "/batches", { ...batch, metadata: { a: 1 } }],
    [
      "a batch whose output expires too soon",
      "POST",
      "/batches",
      { ...batch, output_expires_after: { anchor: "created_at", seconds: 10 } },
    ],
    [
      "a batch whose output expiry has another anchor",
      "POST",
      "/batches",
      { ...batch, output_expires_after: { anchor: "now", seconds: 3600 } },
    ],
    ["an upload without mime_type", "POST", "/uploads", { filename: "a.jsonl", purpose: "batch", bytes: 1 }],
    [
      "an upload with an unknown purpose",
      "POST",
      "/uploads",
      { filename: "a.jsonl", purpose: "secret", bytes: 1, mime_type: "text/jsonl" },
    ],
    [
      "an upload with an unknown parameter",
      "POST",
      "/uploads",
      { filename: "a.jsonl", purpose: "batch", bytes: 1, mime_type: "text/jsonl", colour: "red" },
    ],
    ["a completion without part_ids", "POST", "/uploads/{upload}/complete", {}],
    ["a completion with a number for md5", "POST", "/uploads/{upload}/complete", { part_ids: [], md5: 5 }],
    ["a file list in a made-up order", "GET", "/files?order=sideways", undefined],
    ["a batch list with a non-numeric limit", "GET", "/batches?limit=many", undefined],
  ];

  async function send(
    base: string,
    method: string,
    path: string,
    body: unknown,
    key: string | null = env.emulator.apiKey,
  ) {
    const response = await fetch(`${base}${path.replace("{upload}", uploadId)}`, {
      method,
      headers: {
        ...(key === null ? {} : { authorization: `Bearer ${key}` }),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  test.each(cases)("%s", async (_name, method, path, body) => {
    const viaPrism = await send(prism.origin, method, path, body);
    expect(viaPrism.status).toBe(422);
    const direct = await send(env.emulator.url, method, path, body);
    expect(direct.status).toBe(400);
    expect(direct.body).toEqual({
      error: {
        message: expect.any(String),
        type: "invalid_request_error",
        param: expect.any(String),
        code: expect.any(String),
      },
    });
  });

  test.each([
    ["a file without purpose", [["file", "x", "a.jsonl"]]],
    [
      "a file with an unknown purpose",
      [
        ["file", "x", "a.jsonl"],
        ["purpose", "training"],
      ],
    ],
    ["a form without the file", [["purpose", "batch"]]],
  ] as [string, [string, string, string?][]][])("%s", async (_name, parts) => {
    const post = async (base: string) => {
      const response = await fetch(`${base}/files`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${env.emulator.apiKey}`,
          "content-type": "multipart/form-data; boundary=B",
        },
        body: multipart("B", parts),
      });
      return response.status;
    };
    expect(await post(prism.origin)).toBe(422);
    expect(await post(env.emulator.url)).toBe(400);
  });

  test("a request without a key", async () => {
    expect((await send(prism.origin, "GET", "/batches", undefined, null)).status).toBe(401);
    expect((await send(env.emulator.url, "GET", "/batches", undefined, null)).status).toBe(401);
  });
});
