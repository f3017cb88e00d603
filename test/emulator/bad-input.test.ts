import { Readable } from "node:stream";
import OpenAI, { toFile } from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import {
  CHAT,
  chatJsonl,
  createBatch,
  failure,
  startTestEmulator,
  type TestEmulator,
  uploadBatchFile,
} from "./support/harness";
import { bearer, multipart, rawRequest } from "./support/raw-http";

let env: TestEmulator;
let keep: OpenAI.FileObject;
beforeAll(async () => {
  env = await startTestEmulator();
});
afterAll(() => env.close());
beforeEach(async () => {
  await env.emulator.reset();
  keep = await uploadBatchFile(env.client, chatJsonl(1), "keep.jsonl");
});

/** Nothing already stored is lost by a bad request. */
async function expectStoreIntact(): Promise<void> {
  expect((await env.client.files.list()).data.map((f) => f.id)).toEqual([keep.id]);
  expect(await (await env.client.files.content(keep.id)).text()).toBe(chatJsonl(1));
}

const apiError = (
  message: string,
  param: string | null = null,
  code: string | null = null,
  type = "invalid_request_error",
) => ({
  error: { message, type, param, code },
});

describe("authentication", () => {
  test("a missing key is a 401", async () => {
    const response = await rawRequest(`${env.emulator.url}/batches`);
    expect(response.status).toBe(401);
    expect(response.json()).toMatchObject({
      error: { type: "invalid_request_error", code: null, param: null },
    });
    expect((response.json() as { error: { message: string } }).error.message).toMatch(
      /^You didn't provide an API key\./,
    );
  });

  test("a wrong key is a 401 invalid_api_key that shows only the key's ends", async () => {
    const wrong = "sk-abcdefghijklmnopqrstuvwxyz";
    const client = new OpenAI({ baseURL: env.emulator.url, apiKey: wrong, maxRetries: 0 });
    const error = await failure(client.batches.list());
    expect(error.status).toBe(401);
    expect(error.error).toEqual(
      apiError(
        "Incorrect API key provided: sk-ab***xyz. You can find your API key at https://platform.openai.com/account/api-keys.",
        null,
        "invalid_api_key",
      ).error,
    );
    expect(JSON.stringify(error.error)).not.toContain(wrong);
  });
});

describe("routing", () => {
  test("an unknown route is a 404 Invalid URL", async () => {
    const response = await rawRequest(`${env.emulator.url}/nothing/here`, {
      headers: bearer(env.emulator.apiKey),
    });
    expect(response.status).toBe(404);
    expect(response.json()).toEqual(apiError("Invalid URL (GET /v1/nothing/here)"));
  });

  test("a wrong method is a 405 naming the allowed ones", async () => {
    const response = await rawRequest(`${env.emulator.url}/batches`, {
      method: "DELETE",
      headers: bearer(env.emulator.apiKey),
    });
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe("POST, GET");
    expect(response.json()).toEqual(apiError("Invalid method for URL (DELETE /v1/batches)"));
  });
});

describe("JSON bodies", () => {
  test("invalid JSON is a 400", async () => {
    const response = await rawRequest(`${env.emulator.url}/batches`, {
      method: "POST",
      headers: { ...bearer(env.emulator.apiKey), "content-type": "application/json" },
      body: '{"input_file_id": ',
    });
    expect(response.status).toBe(400);
    expect((response.json() as { error: { message: string } }).error.message).toMatch(
      /^We could not parse the JSON body/,
    );
    await expectStoreIntact();
  });

  test("a body over 1 MB is refused with 413 and the connection stays usable", async () => {
    const response = await rawRequest(`${env.emulator.url}/batches`, {
      method: "POST",
      headers: { ...bearer(env.emulator.apiKey), "content-type": "application/json" },
      body: Readable.from([Buffer.alloc(2 * 1024 * 1024, 0x20)]),
    });
    expect(response.status).toBe(413);
    expect(response.json()).toEqual(
      apiError("The request body is too large: the limit is 1048576 bytes.", null, "request_too_large"),
    );
    await expectStoreIntact();
  });
});

describe("creating a batch", () => {
  const create = (body: Record<string, unknown>) =>
    failure(env.client.batches.create(body as unknown as OpenAI.BatchCreateParams));

  test.each([
    [
      { endpoint: CHAT, completion_window: "24h" },
      "Missing required parameter: 'input_file_id'.",
      "input_file_id",
      "missing_required_parameter",
    ],
    [
      { input_file_id: "f", completion_window: "24h" },
      "Missing required parameter: 'endpoint'.",
      "endpoint",
      "missing_required_parameter",
    ],
    [
      { input_file_id: "f", endpoint: CHAT },
      "Missing required parameter: 'completion_window'.",
      "completion_window",
      "missing_required_parameter",
    ],
    [
      { input_file_id: 1, endpoint: CHAT, completion_window: "24h" },
      "Invalid type for 'input_file_id': expected a string, but got an integer instead.",
      "input_file_id",
      "invalid_type",
    ],
    [
      { input_file_id: "f", endpoint: "/v1/audio", completion_window: "24h" },
      expect.stringMatching(
        /^Invalid value for 'endpoint': '\/v1\/audio'\. Supported values are: '\/v1\/responses', /,
      ),
      "endpoint",
      "invalid_value",
    ],
    [
      { input_file_id: "f", endpoint: CHAT, completion_window: "48h" },
      "Invalid value for 'completion_window': '48h'. Supported values are: '24h'.",
      "completion_window",
      "invalid_value",
    ],
    [
      { input_file_id: "f", endpoint: CHAT, completion_window: "24h", priority: 1 },
      "Unknown parameter: 'priority'.",
      "priority",
      "unknown_parameter",
    ],
    [
      {
        input_file_id: "f",
        endpoint: CHAT,
        completion_window: "24h",
        metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, "v"])),
      },
      expect.stringContaining("at most 16 properties, but got an object with 17"),
      "metadata",
      "invalid_value",
    ],
    [
      { input_file_id: "f", endpoint: CHAT, completion_window: "24h", metadata: { ["k".repeat(65)]: "v" } },
      expect.stringContaining("at most 64 characters"),
      "metadata",
      "invalid_value",
    ],
    [
      { input_file_id: "f", endpoint: CHAT, completion_window: "24h", metadata: { k: "v".repeat(513) } },
      expect.stringContaining("at most 512 characters"),
      "metadata",
      "invalid_value",
    ],
    [
      {
        input_file_id: "f",
        endpoint: CHAT,
        completion_window: "24h",
        output_expires_after: { anchor: "now", seconds: 3600 },
      },
      expect.stringContaining("'created_at'"),
      "output_expires_after.anchor",
      "invalid_value",
    ],
    [
      {
        input_file_id: "f",
        endpoint: CHAT,
        completion_window: "24h",
        output_expires_after: { anchor: "created_at", seconds: 60 },
      },
      expect.stringContaining("between 3600 (1 hour) and 2592000 (30 days)"),
      "output_expires_after.seconds",
      "invalid_value",
    ],
    [
      {
        input_file_id: "f",
        endpoint: CHAT,
        completion_window: "24h",
        output_expires_after: { anchor: "created_at", seconds: 2592001 },
      },
      expect.stringContaining("integer above maximum value"),
      "output_expires_after.seconds",
      "invalid_value",
    ],
  ])("%j is a 400", async (body, message, param, code) => {
    const error = await create(body);
    expect(error.status).toBe(400);
    expect(error.error).toEqual({ message, type: "invalid_request_error", param, code });
    expect((await env.client.batches.list()).data).toEqual([]);
  });

  test("an unknown input file is a 404", async () => {
    const error = await create({ input_file_id: "file-nope", endpoint: CHAT, completion_window: "24h" });
    expect(error.status).toBe(404);
    expect(error.error).toEqual({
      message: "No such File object: file-nope",
      type: "invalid_request_error",
      param: "input_file_id",
      code: null,
    });
  });

  test("an input file without purpose batch is a 400 on input_file_id", async () => {
    const file = await env.client.files.create({
      file: await toFile(Buffer.from("x"), "notes.txt"),
      purpose: "user_data",
    });
    const error = await create({ input_file_id: file.id, endpoint: CHAT, completion_window: "24h" });
    expect(error.status).toBe(400);
    expect(error.error).toEqual({
      message: `The file '${file.id}' has purpose 'user_data'; a batch input file must be uploaded with purpose 'batch'.`,
      type: "invalid_request_error",
      param: "input_file_id",
      code: "invalid_value",
    });
  });

  test("metadata and output_expires_after are kept; the output file expires as asked", async () => {
    const file = await uploadBatchFile(env.client, chatJsonl(1));
    const batch = await env.client.batches.create({
      input_file_id: file.id,
      endpoint: CHAT,
      completion_window: "24h",
      metadata: { team: "a" },
      output_expires_after: { anchor: "created_at", seconds: 7200 },
    });
    expect(batch.metadata).toEqual({ team: "a" });
    await env.emulator.advance(60_000);
    const done = await env.client.batches.retrieve(batch.id);
    const output = await env.client.files.retrieve(done.output_file_id!);
    expect(output.expires_at! - output.created_at).toBe(7200);
  });
});

describe("unknown ids", () => {
  test("an unknown batch is a 404 with the real message", async () => {
    const error = await failure(env.client.batches.retrieve("batch_nope"));
    expect(error.status).toBe(404);
    expect(error.error).toEqual({
      message: "No batch found with id 'batch_nope'.",
      type: "invalid_request_error",
      param: null,
      code: null,
    });
  });

  test.each([
    ["retrieve", (c: OpenAI) => c.files.retrieve("file-nope")],
    ["content", (c: OpenAI) => c.files.content("file-nope")],
    ["delete", (c: OpenAI) => c.files.delete("file-nope")],
  ])("an unknown file is a 404 on %s", async (_name, call) => {
    const error = await failure(call(env.client));
    expect(error.status).toBe(404);
    expect(error.error).toEqual({
      message: "No such File object: file-nope",
      type: "invalid_request_error",
      param: "id",
      code: null,
    });
  });
});

describe("file uploads", () => {
  const post = (
    body: string | Readable,
    contentType: string,
    headers: Record<string, string | number> = {},
  ) =>
    rawRequest(`${env.emulator.url}/files`, {
      method: "POST",
      headers: { ...bearer(env.emulator.apiKey), "content-type": contentType, ...headers },
      body,
    });

  test("a wrong purpose is a 400 invalid_value on purpose", async () => {
    const error = await failure(
      env.client.files.create({
        file: await toFile(Buffer.from("x"), "a.jsonl"),
        purpose: "training" as "batch",
      }),
    );
    expect(error.status).toBe(400);
    expect(error.error).toEqual({
      message:
        "Invalid value for 'purpose': 'training'. Supported values are: 'assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'.",
      type: "invalid_request_error",
      param: "purpose",
      code: "invalid_value",
    });
    await expectStoreIntact();
  });

  test("a batch file must be .jsonl", async () => {
    const error = await failure(
      env.client.files.create({ file: await toFile(Buffer.from("x"), "a.csv"), purpose: "batch" }),
    );
    expect(error.error).toMatchObject({ param: "file", code: "invalid_value" });
  });

  test.each([
    [
      "no boundary",
      "multipart/form-data",
      "x",
      "Could not parse the multipart/form-data body: the Content-Type header has no boundary.",
    ],
    [
      "not multipart",
      "application/json",
      "{}",
      'Could not parse the multipart/form-data body: expected Content-Type multipart/form-data, got "application/json".',
    ],
    [
      "garbage",
      "multipart/form-data; boundary=XYZ",
      "complete garbage \u0000\u0001",
      "Could not parse the multipart/form-data body: the body ended before the closing boundary.",
    ],
    [
      "a part without a name",
      "multipart/form-data; boundary=XYZ",
      "--XYZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XYZ--\r\n",
      "Could not parse the multipart/form-data body: a part has no Content-Disposition: form-data header with a name.",
    ],
    [
      "a cut-off body",
      "multipart/form-data; boundary=XYZ",
      '--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.jsonl"\r\n\r\nabc',
      "Could not parse the multipart/form-data body: the body ended before the closing boundary.",
    ],
  ])("%s is a 400", async (_name, type, body, message) => {
    const response = await post(body, type);
    expect(response.status).toBe(400);
    expect(response.json()).toEqual(apiError(message, null, "invalid_multipart"));
    await expectStoreIntact();
  });

  test("a form without file or purpose names the missing parameter", async () => {
    const noFile = await post(multipart("B", [["purpose", "batch"]]), "multipart/form-data; boundary=B");
    expect(noFile.json()).toEqual(
      apiError("Missing required parameter: 'file'.", "file", "missing_required_parameter"),
    );
    const noPurpose = await post(
      multipart("B", [["file", "x", "a.jsonl"]]),
      "multipart/form-data; boundary=B",
    );
    expect(noPurpose.json()).toEqual(
      apiError("Missing required parameter: 'purpose'.", "purpose", "missing_required_parameter"),
    );
    await expectStoreIntact();
  });

  test("a batch file over 200 MB is refused with file_too_large after streaming, and nothing is kept", async () => {
    const size = 200 * 1024 * 1024 + 1;
    const head = '--B\r\nContent-Disposition: form-data; name="file"; filename="big.jsonl"\r\n\r\n';
    const tail = '\r\n--B\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbatch\r\n--B--\r\n';
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    async function* body() {
      yield Buffer.from(head);
      let left = size;
      while (left > 0) {
        const n = Math.min(left, chunk.length);
        yield n === chunk.length ? chunk : chunk.subarray(0, n);
        left -= n;
      }
      yield Buffer.from(tail);
    }
    const response = await post(Readable.from(body()), "multipart/form-data; boundary=B");
    expect(response.status).toBe(400);
    expect(response.json()).toEqual(
      apiError(
        `File is too large: ${size} bytes. Files for the Batch API can be at most 209715200 bytes (200 MB).`,
        "file",
        "file_too_large",
      ),
    );
    await expectStoreIntact();
  });

  test("the files and the batch survive a bad request that follows them", async () => {
    const batch = await createBatch(env.client, chatJsonl(2));
    const before = await env.client.batches.retrieve(batch.id);
    const error = await failure(env.client.batches.retrieve("batch_x"));
    expect(error.status).toBe(404);
    expect(await env.client.batches.retrieve(batch.id)).toEqual(before);
    expect((await env.client.files.list()).data.map((f) => f.id).sort()).toEqual(
      [keep.id, batch.input_file_id].sort(),
    );
    expect(await (await env.client.files.content(keep.id)).text()).toBe(chatJsonl(1));
    expect(await (await env.client.files.content(batch.input_file_id)).text()).toBe(chatJsonl(2));
  });
});
