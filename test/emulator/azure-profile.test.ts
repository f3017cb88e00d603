import OpenAI, { toFile } from "openai";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AZURE_BOM_MESSAGE } from "../../provider/emulator/profiles";
import { failure, fileLines, startTestEmulator, type TestEmulator } from "./support/harness";

const KEY = "azure-emulator-key-1234";
const ENTRA = "entra-token-abcdefgh";
const DAY_MS = 24 * 60 * 60 * 1000;

let env: TestEmulator;
/** The v1 API with the key in `api-key` (and no bearer token). */
let v1: OpenAI;
/** The older API: `/openai/...?api-version=2024-10-21`, the key in `api-key`. */
let dated: OpenAI;

beforeAll(async () => {
  env = await startTestEmulator({
    profile: "azure",
    apiKey: KEY,
    deployments: { "batch-mini": "gpt-4o-mini" },
    entraToken: ENTRA,
  });
  const { origin } = env.emulator;
  v1 = new OpenAI({
    baseURL: `${origin}/openai/v1`,
    apiKey: KEY,
    maxRetries: 0,
    defaultHeaders: { authorization: null, "api-key": KEY },
  });
  dated = new OpenAI({
    baseURL: `${origin}/openai`,
    apiKey: KEY,
    maxRetries: 0,
    defaultQuery: { "api-version": "2024-10-21" },
    defaultHeaders: { authorization: null, "api-key": KEY },
  });
});
afterAll(() => env.close());

const line = (id: string, url = "/chat/completions", model = "batch-mini") =>
  JSON.stringify({
    custom_id: id,
    method: "POST",
    url,
    body: { model, max_tokens: 5, messages: [{ role: "user", content: `hello ${id}` }] },
  });

async function create(
  client: OpenAI,
  content: string,
  extra: Record<string, unknown> = {},
  endpoint = "/chat/completions",
): Promise<OpenAI.Batch> {
  const file = await client.files.create({
    file: await toFile(Buffer.from(content), "in.jsonl"),
    purpose: "batch",
  });
  return client.batches.create({
    input_file_id: file.id,
    endpoint: endpoint as OpenAI.BatchCreateParams["endpoint"],
    completion_window: "24h",
    ...extra,
  });
}

async function settled(client: OpenAI, id: string): Promise<OpenAI.Batch> {
  await env.emulator.advance(60_000);
  return client.batches.retrieve(id);
}

describe("Azure's two URL forms", () => {
  test.each([
    ["the v1 API", () => v1],
    ["the api-version API", () => dated],
  ])("%s runs a batch of /chat/completions lines naming a deployment", async (_name, client) => {
    const ids = ["a", "b", "c", "d", "e", "f"];
    const batch = await create(client(), `${ids.map((id) => line(id)).join("\n")}\n`);
    expect(batch.endpoint).toBe("/v1/chat/completions");
    const done = await settled(client(), batch.id);
    expect(done.status).toBe("completed");
    const out = await fileLines(client(), done.output_file_id as string);
    expect(out.map((entry) => entry.custom_id).sort()).toEqual(ids);
    expect(out.map((entry) => entry.custom_id)).not.toEqual(ids);
  });

  test("the calls are recorded by the API's path, with the URL as sent", async () => {
    env.emulator.clearCalls();
    await dated.batches.list();
    const [call] = env.emulator.calls();
    expect(call?.path).toBe("/v1/batches");
    expect(call?.url).toBe("/openai/batches?api-version=2024-10-21");
  });

  test("the older API without api-version is refused", async () => {
    const bare = new OpenAI({
      baseURL: `${env.emulator.origin}/openai`,
      apiKey: KEY,
      maxRetries: 0,
      defaultHeaders: { authorization: null, "api-key": KEY },
    });
    const error = await failure(bare.batches.list());
    expect(error.status).toBe(400);
    expect(error.code).toBe("missing_api_version");
  });

  test("OpenAI's /v1 path is not served under the Azure profile", async () => {
    const openai = new OpenAI({ baseURL: `${env.emulator.origin}/v1`, apiKey: KEY, maxRetries: 0 });
    expect((await failure(openai.batches.list())).status).toBe(404);
  });
});

describe("Azure's keys", () => {
  const client = (path: string, headers: Record<string, string | null>, apiKey = "unused-bearer-value") =>
    new OpenAI({
      baseURL: `${env.emulator.origin}${path}`,
      apiKey,
      maxRetries: 0,
      defaultQuery: path === "/openai" ? { "api-version": "2024-10-21" } : undefined,
      defaultHeaders: headers,
    });

  test("a wrong api-key is refused on both forms, masked", async () => {
    for (const path of ["/openai/v1", "/openai"]) {
      const error = await failure(client(path, { "api-key": "wrong-key-000000" }).batches.list());
      expect(error.status).toBe(401);
      expect(error.message).not.toContain("wrong-key-000000");
    }
  });

  test("the v1 API takes the key as a bearer token; the older API does not", async () => {
    await expect(client("/openai/v1", {}, KEY).batches.list()).resolves.toBeDefined();
    expect((await failure(client("/openai", {}, KEY).batches.list())).status).toBe(401);
  });

  test("a Microsoft Entra ID token is taken as a bearer token on both forms", async () => {
    for (const path of ["/openai/v1", "/openai"]) {
      await expect(client(path, {}, ENTRA).batches.list()).resolves.toBeDefined();
    }
  });
});

describe("Azure's validation and limits", () => {
  test("a model that names no deployment fails the batch with model_not_found", async () => {
    const batch = await create(v1, `${line("a", "/chat/completions", "gpt-4o-mini-missing")}\n`);
    const done = await settled(v1, batch.id);
    expect(done.status).toBe("failed");
    expect(done.errors?.data?.[0]?.code).toBe("model_not_found");
  });

  test("a file that starts with a byte-order mark fails with Azure's message", async () => {
    const batch = await create(v1, `\uFEFF${line("a")}\n`);
    const done = await settled(v1, batch.id);
    expect(done.status).toBe("failed");
    expect(done.errors?.data?.[0]?.message).toBe(AZURE_BOM_MESSAGE);
  });

  test("/v1/responses lines run though the batch names /chat/completions: the file decides", async () => {
    const responses = JSON.stringify({
      custom_id: "r1",
      method: "POST",
      url: "/v1/responses",
      body: { model: "batch-mini", input: "hi", max_output_tokens: 5 },
    });
    const batch = await create(v1, `${responses}\n`);
    const done = await settled(v1, batch.id);
    expect(done.status).toBe("completed");
    const [out] = await fileLines(v1, done.output_file_id as string);
    expect(out?.response).toMatchObject({ body: { object: "response" } });
  });

  test("answers name the model the deployment runs, as Azure's answers do, not the deployment", async () => {
    const done = await settled(v1, (await create(v1, `${line("m")}\n`)).id);
    const [out] = await fileLines(v1, done.output_file_id as string);
    expect(out?.response).toMatchObject({
      status_code: 200,
      body: { object: "chat.completion", model: "gpt-4o-mini" },
    });
  });

  test("a file that mixes /chat/completions and /v1/chat/completions lines fails on the first line whose url differs from line 1's", async () => {
    const content = `${[line("a"), line("b"), line("c", "/v1/chat/completions")].join("\n")}\n`;
    const done = await settled(v1, (await create(v1, content)).id);
    expect(done.status).toBe("failed");
    expect(done.errors?.data).toEqual([
      {
        code: "invalid_url",
        line: 3,
        param: "url",
        message: `The url "/v1/chat/completions" differs from line 1's url '/chat/completions'. Every request in a batch must use the same url.`,
      },
    ]);
    const v1Lines = `${[line("a", "/v1/chat/completions"), line("b", "/v1/chat/completions")].join("\n")}\n`;
    expect((await settled(v1, (await create(v1, v1Lines)).id)).status).toBe("completed");
  });

  test("output_expires_after is 14 to 30 days", async () => {
    const error = await failure(
      create(v1, `${line("a")}\n`, { output_expires_after: { anchor: "created_at", seconds: 86_400 } }),
    );
    expect(error.status).toBe(400);
    const ok = await create(v1, `${line("a")}\n`, {
      output_expires_after: { anchor: "created_at", seconds: 1_209_600 },
    });
    expect(ok.id).toMatch(/^batch_/);
  });

  test("100,000 requests pass validation and 100,001 fail it with too_many_tasks", async () => {
    const lines = (count: number) => `${Array.from({ length: count }, (_, i) => line(`r${i}`)).join("\n")}\n`;
    const over = await create(v1, lines(100_001));
    await env.emulator.advance(250);
    const failed = await v1.batches.retrieve(over.id);
    expect(failed.status).toBe("failed");
    expect(failed.errors?.data?.[0]?.code).toBe("too_many_tasks");
    const most = await create(v1, lines(100_000));
    await env.emulator.advance(250);
    expect((await v1.batches.retrieve(most.id)).status).not.toBe("failed");
  }, 120_000);

  test("a batch still running past its 24-hour window is not expired", async () => {
    const batch = await create(v1, `${line("slow")}\n`);
    await env.emulator.advance(250);
    await env.emulator.setBatchStatus(batch.id, "in_progress", { stuck: true });
    await env.emulator.advance(2 * DAY_MS);
    expect((await v1.batches.retrieve(batch.id)).status).toBe("in_progress");
  });
});
