/**
 * The emulator's Groq and Together profiles over HTTP: each one's base path, file purpose, line
 * rules, endpoints, limits and metadata, as the README lists their differences from OpenAI.
 */
import OpenAI, { toFile } from "openai";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { failure, fileLines, startTestEmulator, type TestEmulator } from "./support/harness";

const CHAT = "/v1/chat/completions";
const body = (id: string) => ({
  model: "llama-3.1-8b-instant",
  max_tokens: 5,
  messages: [{ role: "user", content: `hello ${id}` }],
});
const fullLine = (id: string) => JSON.stringify({ custom_id: id, method: "POST", url: CHAT, body: body(id) });
const jsonl = (lines: readonly string[]) => `${lines.join("\n")}\n`;

async function upload(client: OpenAI, content: string, purpose: string): Promise<OpenAI.FileObject> {
  return client.files.create({
    file: await toFile(Buffer.from(content), "in.jsonl"),
    purpose: purpose as OpenAI.FilePurpose,
  });
}

async function create(
  env: TestEmulator,
  content: string,
  purpose: string,
  extra: Record<string, unknown> = {},
  endpoint = CHAT,
): Promise<OpenAI.Batch> {
  const file = await upload(env.client, content, purpose);
  return env.client.batches.create({
    input_file_id: file.id,
    endpoint: endpoint as OpenAI.BatchCreateParams["endpoint"],
    completion_window: "24h",
    ...extra,
  });
}

async function settled(env: TestEmulator, id: string): Promise<OpenAI.Batch> {
  await env.emulator.advance(60_000);
  return env.client.batches.retrieve(id);
}

const lines = (count: number) => jsonl(Array.from({ length: count }, (_, i) => fullLine(`r${i}`)));

describe("Groq", () => {
  let env: TestEmulator;
  beforeAll(async () => {
    env = await startTestEmulator({ profile: "groq" });
  });
  afterAll(() => env.close());

  test("is served under /openai/v1 with the key as a bearer token, and not under /v1", async () => {
    expect(env.emulator.url).toBe(`${env.emulator.origin}/openai/v1`);
    const openai = new OpenAI({
      baseURL: `${env.emulator.origin}/v1`,
      apiKey: env.emulator.apiKey,
      maxRetries: 0,
    });
    expect((await failure(openai.batches.list())).status).toBe(404);
  });

  test("a chat batch of files with purpose batch runs, and keeps its metadata", async () => {
    const ids = ["a", "b", "c"];
    const batch = await create(env, jsonl(ids.map(fullLine)), "batch", { metadata: { run: "one" } });
    expect(batch.metadata).toEqual({ run: "one" });
    const done = await settled(env, batch.id);
    expect(done.status).toBe("completed");
    expect(done.metadata).toEqual({ run: "one" });
    const out = await fileLines(env.client, done.output_file_id as string);
    expect(out.map((entry) => entry.custom_id).sort()).toEqual(ids);
  });

  test("an embeddings batch is refused: only chat completions are batched", async () => {
    const error = await failure(create(env, jsonl([fullLine("e")]), "batch", {}, "/v1/embeddings"));
    expect(error.status).toBe(400);
    expect(error.code).toBe("invalid_value");
    expect(error.message).toContain("'/v1/chat/completions'");
  });

  test("output_expires_after is not a parameter", async () => {
    const error = await failure(
      create(env, jsonl([fullLine("x")]), "batch", {
        output_expires_after: { anchor: "created_at", seconds: 86_400 },
      }),
    );
    expect(error.status).toBe(400);
    expect(error.code).toBe("unknown_parameter");
  });

  test("a file of another purpose than batch is refused at upload", async () => {
    const error = await failure(upload(env.client, jsonl([fullLine("x")]), "batch-api"));
    expect(error.status).toBe(400);
    expect(error.param).toBe("purpose");
  });

  test("50,000 requests pass validation and 50,001 fail it with too_many_tasks", async () => {
    const over = await create(env, lines(50_001), "batch");
    await env.emulator.advance(250);
    const failed = await env.client.batches.retrieve(over.id);
    expect(failed.status).toBe("failed");
    expect(failed.errors?.data?.[0]?.code).toBe("too_many_tasks");
    const most = await create(env, lines(50_000), "batch");
    await env.emulator.advance(250);
    expect((await env.client.batches.retrieve(most.id)).status).not.toBe("failed");
  }, 120_000);

  test("a batch file over 100 MB is refused when its upload is created; 100 MB is taken", async () => {
    const params = (bytes: number) => ({
      filename: "big.jsonl",
      purpose: "batch" as const,
      bytes,
      mime_type: "text/jsonl",
    });
    const error = await failure(env.client.uploads.create(params(100 * 1024 * 1024 + 1)));
    expect(error.status).toBe(400);
    expect(error.code).toBe("file_too_large");
    expect(error.message).toContain("at most 104857600 bytes (100 MB)");
    await expect(env.client.uploads.create(params(100 * 1024 * 1024))).resolves.toMatchObject({
      status: "pending",
    });
  });
});

describe("Together", () => {
  let env: TestEmulator;
  beforeAll(async () => {
    env = await startTestEmulator({ profile: "together" });
  });
  afterAll(() => env.close());

  test("is served under /v1", () => {
    expect(env.emulator.url).toBe(`${env.emulator.origin}/v1`);
  });

  test("input files have purpose batch-api; a file of purpose batch is refused at upload", async () => {
    const file = await upload(env.client, jsonl([fullLine("a")]), "batch-api");
    expect(file.purpose).toBe("batch-api");
    expect(file.expires_at).toBe(file.created_at + 30 * 86_400);
    const error = await failure(upload(env.client, jsonl([fullLine("a")]), "batch"));
    expect(error.status).toBe(400);
    expect(error.param).toBe("purpose");
  });

  test("a batch on a file of another purpose is refused, naming batch-api", async () => {
    const file = await upload(env.client, "{}", "fine-tune");
    const error = await failure(
      env.client.batches.create({ input_file_id: file.id, endpoint: CHAT, completion_window: "24h" }),
    );
    expect(error.status).toBe(400);
    expect(error.message).toContain("purpose 'batch-api'");
  });

  test("lines of custom_id and body only run on the batch's endpoint; the batch keeps no metadata", async () => {
    const ids = ["a", "b", "c"];
    const content = jsonl(ids.map((id) => JSON.stringify({ custom_id: id, body: body(id) })));
    const batch = await create(env, content, "batch-api", { metadata: { run: "one" } });
    expect(batch.metadata).toBeUndefined();
    const done = await settled(env, batch.id);
    expect(done.status).toBe("completed");
    expect(done.metadata).toBeUndefined();
    const out = await fileLines(env.client, done.output_file_id as string);
    expect(out.map((entry) => entry.custom_id).sort()).toEqual(ids);
    expect(out[0]?.response).toMatchObject({ status_code: 200, body: { object: "chat.completion" } });
  });

  test("a line that gives its url still names the batch's endpoint", async () => {
    const content = jsonl([
      JSON.stringify({ custom_id: "a", body: body("a") }),
      JSON.stringify({ custom_id: "b", method: "POST", url: "/v1/embeddings", body: body("b") }),
    ]);
    const done = await settled(env, (await create(env, content, "batch-api")).id);
    expect(done.status).toBe("failed");
    expect(done.errors?.data?.[0]).toMatchObject({ code: "invalid_url", line: 2, param: "url" });
  });

  test("a custom_id of 64 characters passes; one of 65 fails validation, on its line", async () => {
    const ok = await create(
      env,
      jsonl([JSON.stringify({ custom_id: "x".repeat(64), body: body("x") })]),
      "batch-api",
    );
    expect((await settled(env, ok.id)).status).toBe("completed");
    const content = jsonl([
      JSON.stringify({ custom_id: "a", body: body("a") }),
      JSON.stringify({ custom_id: "y".repeat(65), body: body("y") }),
    ]);
    const done = await settled(env, (await create(env, content, "batch-api")).id);
    expect(done.status).toBe("failed");
    expect(done.errors?.data).toEqual([
      {
        code: "invalid_value",
        line: 2,
        param: "custom_id",
        message: "Invalid 'custom_id': it is 65 characters long; a custom_id can be at most 64 characters.",
      },
    ]);
  });

  test("a line without a body is still refused", async () => {
    const done = await settled(
      env,
      (await create(env, jsonl([JSON.stringify({ custom_id: "a" })]), "batch-api")).id,
    );
    expect(done.errors?.data?.[0]).toMatchObject({ code: "missing_required_parameter", param: "body" });
  });
});
