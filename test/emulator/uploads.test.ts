import { createHash } from "node:crypto";
import type OpenAI from "openai";
import { toFile } from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { chatJsonl, failure, startTestEmulator, type TestEmulator } from "./support/harness";

let env: TestEmulator;
beforeAll(async () => {
  env = await startTestEmulator();
});
afterAll(() => env.close());
beforeEach(() => env.emulator.reset());

const content = chatJsonl(3);

async function addParts(client: OpenAI, uploadId: string, pieces: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const piece of pieces) {
    ids.push(
      (await client.uploads.parts.create(uploadId, { data: await toFile(Buffer.from(piece), "part") })).id,
    );
  }
  return ids;
}

describe("uploads", () => {
  test("parts joined in the given order become a File usable by a batch", async () => {
    const { client, emulator } = env;
    const upload = await client.uploads.create({
      bytes: content.length,
      filename: "big.jsonl",
      mime_type: "application/jsonl",
      purpose: "batch",
    });
    expect(upload).toMatchObject({
      object: "upload",
      status: "pending",
      bytes: content.length,
      filename: "big.jsonl",
      purpose: "batch",
    });
    expect(upload.expires_at - upload.created_at).toBe(3600);
    expect(upload).not.toHaveProperty("file");
    const half = Math.floor(content.length / 2);
    const [first, second] = await addParts(client, upload.id, [content.slice(0, half), content.slice(half)]);
    const md5 = createHash("md5").update(content).digest("hex");
    const done = await client.uploads.complete(upload.id, { part_ids: [first!, second!], md5 });
    expect(done.status).toBe("completed");
    expect(done.file).toMatchObject({
      object: "file",
      bytes: content.length,
      filename: "big.jsonl",
      purpose: "batch",
      status: "processed",
    });
    expect(await (await client.files.content(done.file!.id)).text()).toBe(content);
    const batch = await client.batches.create({
      input_file_id: done.file!.id,
      endpoint: "/v1/chat/completions",
      completion_window: "24h",
    });
    await emulator.advance(60_000);
    expect((await client.batches.retrieve(batch.id)).request_counts).toEqual({
      total: 3,
      completed: 3,
      failed: 0,
    });
  });

  test("parts can be joined in another order than they were sent", async () => {
    const { client } = env;
    const upload = await client.uploads.create({
      bytes: 6,
      filename: "a.txt",
      mime_type: "text/plain",
      purpose: "user_data",
    });
    const [a, b] = await addParts(client, upload.id, ["def", "abc"]);
    const done = await client.uploads.complete(upload.id, { part_ids: [b!, a!] });
    expect(await (await client.files.content(done.file!.id)).text()).toBe("abcdef");
  });

  test("a size or checksum that does not match is refused and the upload stays pending", async () => {
    const { client } = env;
    const upload = await client.uploads.create({
      bytes: 10,
      filename: "a.txt",
      mime_type: "text/plain",
      purpose: "user_data",
    });
    const [a] = await addParts(client, upload.id, ["abc"]);
    const size = await failure(client.uploads.complete(upload.id, { part_ids: [a!] }));
    expect(size.error).toMatchObject({
      message: "The parts hold 3 bytes, but the Upload was created for 10 bytes. The sizes must match.",
      param: "part_ids",
      code: "invalid_value",
    });
    const [b] = await addParts(client, upload.id, ["defghij"]);
    const sum = await failure(
      client.uploads.complete(upload.id, { part_ids: [a!, b!], md5: "0".repeat(32) }),
    );
    expect(sum.error).toMatchObject({ param: "md5", code: "invalid_value" });
    const foreign = await failure(client.uploads.complete(upload.id, { part_ids: ["part_nope"] }));
    expect(foreign.error).toMatchObject({
      message: `Part 'part_nope' does not belong to Upload ${upload.id}.`,
    });
    expect((await client.uploads.complete(upload.id, { part_ids: [a!, b!] })).status).toBe("completed");
  });

  test("a cancelled upload takes no more parts", async () => {
    const { client } = env;
    const upload = await client.uploads.create({
      bytes: 3,
      filename: "a.txt",
      mime_type: "text/plain",
      purpose: "user_data",
    });
    expect((await client.uploads.cancel(upload.id)).status).toBe("cancelled");
    expect((await client.uploads.cancel(upload.id)).status).toBe("cancelled");
    const error = await failure(addParts(client, upload.id, ["abc"]));
    expect(error.status).toBe(400);
    expect(error.error).toMatchObject({
      code: "invalid_upload_status",
      message: `Upload ${upload.id} is cancelled; only a pending Upload accepts this request.`,
    });
  });

  test("an upload expires an hour after it is created", async () => {
    const { client, emulator } = env;
    const upload = await client.uploads.create({
      bytes: 3,
      filename: "a.txt",
      mime_type: "text/plain",
      purpose: "user_data",
    });
    await emulator.advance(3_600_000);
    const error = await failure(addParts(client, upload.id, ["abc"]));
    expect(error.error).toMatchObject({ code: "invalid_upload_status" });
  });

  test.each([
    [{ filename: "a.jsonl", purpose: "batch", bytes: 1 }, "mime_type", "missing_required_parameter"],
    [
      { filename: "a.jsonl", purpose: "batch", bytes: 300 * 1024 * 1024, mime_type: "text/jsonl" },
      "file",
      "file_too_large",
    ],
    [{ filename: "a.txt", purpose: "batch", bytes: 1, mime_type: "text/plain" }, "file", "invalid_value"],
    [{ filename: "a.txt", purpose: "secret", bytes: 1, mime_type: "text/plain" }, "purpose", "invalid_value"],
    [
      { filename: "a.txt", purpose: "user_data", bytes: -1, mime_type: "text/plain" },
      "bytes",
      "integer_below_min_value",
    ],
  ])("creating %j is refused on %s", async (body, param, code) => {
    const error = await failure(
      env.client.uploads.create(body as unknown as OpenAI.Uploads.UploadCreateParams),
    );
    expect(error.status).toBe(400);
    expect(error.error).toMatchObject({ param, code });
  });

  test("an unknown upload is a 404", async () => {
    const error = await failure(env.client.uploads.cancel("upload_nope"));
    expect(error.status).toBe(404);
    expect(error.error).toMatchObject({ message: "No such Upload object: upload_nope" });
  });
});

describe("files", () => {
  test("list filters by purpose, orders by creation and pages with after", async () => {
    const { client } = env;
    const a = await client.files.create({
      file: await toFile(Buffer.from("a"), "a.txt"),
      purpose: "user_data",
    });
    const b = await client.files.create({
      file: await toFile(Buffer.from(content), "b.jsonl"),
      purpose: "batch",
    });
    const c = await client.files.create({
      file: await toFile(Buffer.from("c"), "c.txt"),
      purpose: "user_data",
    });
    expect((await client.files.list()).data.map((f) => f.id)).toEqual([c.id, b.id, a.id]);
    expect((await client.files.list({ order: "asc" })).data.map((f) => f.id)).toEqual([a.id, b.id, c.id]);
    expect((await client.files.list({ purpose: "user_data" })).data.map((f) => f.id)).toEqual([c.id, a.id]);
    const page = await client.files.list({ limit: 1, after: c.id });
    expect(page.data.map((f) => f.id)).toEqual([b.id]);
    expect(page.has_more).toBe(true);
  });

  test("a batch file expires after 30 days by default, or when told", async () => {
    const { client, emulator } = env;
    const dflt = await client.files.create({
      file: await toFile(Buffer.from(content), "a.jsonl"),
      purpose: "batch",
    });
    expect(dflt.expires_at! - dflt.created_at).toBe(2_592_000);
    const short = await client.files.create({
      file: await toFile(Buffer.from(content), "b.jsonl"),
      purpose: "batch",
      expires_after: { anchor: "created_at", seconds: 3600 },
    });
    expect(short.expires_at! - short.created_at).toBe(3600);
    const forever = await client.files.create({
      file: await toFile(Buffer.from("x"), "c.txt"),
      purpose: "user_data",
    });
    expect(forever).not.toHaveProperty("expires_at");
    await emulator.advance(3_600_000);
    expect((await failure(client.files.retrieve(short.id))).status).toBe(404);
    expect((await client.files.list()).data.map((f) => f.id)).toEqual([forever.id, dflt.id]);
  });

  test("deleting a file answers the deleted object; a running batch still reads its input", async () => {
    const { client, emulator } = env;
    const file = await client.files.create({
      file: await toFile(Buffer.from(content), "a.jsonl"),
      purpose: "batch",
    });
    const batch = await client.batches.create({
      input_file_id: file.id,
      endpoint: "/v1/chat/completions",
      completion_window: "24h",
    });
    expect(await client.files.delete(file.id)).toEqual({ id: file.id, object: "file", deleted: true });
    expect((await failure(client.files.retrieve(file.id))).status).toBe(404);
    await emulator.advance(60_000);
    expect((await client.batches.retrieve(batch.id)).request_counts).toEqual({
      total: 3,
      completed: 3,
      failed: 0,
    });
  });

  test("binary content comes back byte for byte", async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const file = await env.client.files.create({ file: await toFile(bytes, "b.bin"), purpose: "user_data" });
    const back = Buffer.from(await (await env.client.files.content(file.id)).arrayBuffer());
    expect(back.equals(bytes)).toBe(true);
  });
});
