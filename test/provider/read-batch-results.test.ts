import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, test } from "vitest";
import type { BatchRequestLine } from "../../provider/contract";
import type { FaultRule } from "../../provider/emulator";
import { isBatchApiError, isBatchInputError } from "../../provider/errors";
import { type BatchResultRecord, readBatchResults } from "../../provider/results";
import {
  answersById,
  CHAT,
  chatJsonl,
  createBatch,
  fileLines,
  startTestEmulator,
  type TestEmulator,
} from "../emulator/support/harness";

const DURATIONS = { validatingMs: 1_000, inProgressMs: 10_000, finalizingMs: 1_000, cancellingMs: 3_000 };
const DAY = 86_400_000;

let env: TestEmulator | undefined;
const dir = mkdtempSync(join(tmpdir(), "read-results-"));
afterEach(async () => {
  await env?.close();
  env = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(faults: FaultRule[] = []): Promise<TestEmulator> {
  env = await startTestEmulator({ durations: DURATIONS, faults });
  return env;
}

function inputFile(count: number, name = "requests.jsonl"): string {
  const path = join(dir, name);
  writeFileSync(path, chatJsonl(count));
  return path;
}

function requests(...ids: string[]): BatchRequestLine[] {
  return ids.map((id) => ({
    custom_id: id,
    method: "POST",
    url: CHAT,
    body: { model: "gpt-4o-mini", messages: [{ role: "user", content: id }] },
  }));
}

async function collect(records: AsyncIterable<BatchResultRecord>): Promise<BatchResultRecord[]> {
  const out: BatchResultRecord[] = [];
  for await (const record of records) out.push(record);
  return out;
}

async function failureOf(records: AsyncIterable<BatchResultRecord>): Promise<unknown> {
  try {
    await collect(records);
  } catch (error) {
    return error;
  }
  throw new RangeError("expected reading the results to fail");
}

const brief = (records: BatchResultRecord[]) =>
  records.map((r) => [r.custom_id, r.line, r.status, r.error?.code]);
const api = (target: TestEmulator) => ({ apiKey: target.emulator.apiKey, baseUrl: target.emulator.url });

describe("readBatchResults against the emulator", () => {
  test("joins a completed batch's output and errors with the input file, in input order", async () => {
    const target = await start([
      { kind: "request_failure", count: 2, statusCode: 503, errorCode: "server_error" },
    ]);
    const created = await createBatch(target.client, chatJsonl(4));
    await target.emulator.advance(60_000);
    const records = await collect(readBatchResults(created.id, { ...api(target), input: inputFile(4) }));
    expect(brief(records)).toEqual([
      ["req-1", 1, "failed", "server_error"],
      ["req-2", 2, "failed", "server_error"],
      ["req-3", 3, "succeeded", undefined],
      ["req-4", 4, "succeeded", undefined],
    ]);
    expect(records[0]?.statusCode).toBe(503);
    expect(records[2]).toMatchObject({ statusCode: 200, body: { object: "chat.completion" } });
    // Each record carries its own request's answer, wherever the output file put it.
    const batch = await target.client.batches.retrieve(created.id);
    const answers = await answersById(target.client, batch.output_file_id!);
    for (const record of records.filter((r) => r.status === "succeeded")) {
      expect(record.body).toEqual(answers.get(record.custom_id));
    }
  });

  test("without the input, records come in output order, then error order", async () => {
    const target = await start([{ kind: "request_failure", count: 1 }]);
    const created = await createBatch(target.client, chatJsonl(3));
    await target.emulator.advance(60_000);
    const records = await collect(readBatchResults(created.id, api(target)));
    const batch = await target.client.batches.retrieve(created.id);
    const outputOrder = (await fileLines(target.client, batch.output_file_id!)).map((l) => l.custom_id);
    expect([...outputOrder].sort()).toEqual(["req-2", "req-3"]);
    expect(brief(records)).toEqual([
      ...outputOrder.map((id) => [id, undefined, "succeeded", undefined]),
      ["req-1", undefined, "failed", "server_error"],
    ]);
  });

  test("a completed batch with no output file: every request comes from the error file", async () => {
    const target = await start([{ kind: "request_failure", statusCode: 500 }]);
    const created = await createBatch(target.client, chatJsonl(2));
    await target.emulator.advance(60_000);
    const batch = await target.client.batches.retrieve(created.id);
    expect(batch.status).toBe("completed");
    expect(batch.output_file_id ?? undefined).toBeUndefined();
    const records = await collect(
      readBatchResults(created.id, { ...api(target), input: requests("req-1", "req-2") }),
    );
    expect(brief(records)).toEqual([
      ["req-1", 1, "failed", "server_error"],
      ["req-2", 2, "failed", "server_error"],
    ]);
  });

  test.each([null, ""])("error_file_id %j counts as no error file", async (errorFileId) => {
    const target = await start();
    const created = await createBatch(target.client, chatJsonl(2));
    await target.emulator.advance(60_000);
    const batch = await target.client.batches.retrieve(created.id);
    const records = await collect(
      readBatchResults(
        { output_file_id: batch.output_file_id ?? null, error_file_id: errorFileId },
        { ...api(target), input: requests("req-1", "req-2") },
      ),
    );
    expect(brief(records)).toEqual([
      ["req-1", 1, "succeeded", undefined],
      ["req-2", 2, "succeeded", undefined],
    ]);
  });

  test("an expired batch gives its partial output; the rest are expired", async () => {
    const target = await start();
    const created = await createBatch(target.client, chatJsonl(5));
    await target.emulator.advance(1_000 + 4_000);
    await target.emulator.setBatchStatus(created.id, "in_progress", { stuck: true });
    await target.emulator.advance(DAY);
    const records = await collect(readBatchResults(created.id, { ...api(target), input: inputFile(5) }));
    expect(brief(records)).toEqual([
      ["req-1", 1, "succeeded", undefined],
      ["req-2", 2, "succeeded", undefined],
      ["req-3", 3, "expired", "batch_expired"],
      ["req-4", 4, "expired", "batch_expired"],
      ["req-5", 5, "expired", "batch_expired"],
    ]);
  });

  test("a cancelled batch gives its partial output; requests it never ran are cancelled", async () => {
    const target = await start();
    const created = await createBatch(target.client, chatJsonl(5));
    await target.emulator.advance(1_000 + 4_000);
    await target.client.batches.cancel(created.id);
    await target.emulator.advance(3_000);
    expect((await target.client.batches.retrieve(created.id)).status).toBe("cancelled");
    const records = await collect(readBatchResults(created.id, { ...api(target), input: inputFile(5) }));
    expect(brief(records)).toEqual([
      ["req-1", 1, "succeeded", undefined],
      ["req-2", 2, "succeeded", undefined],
      ["req-3", 3, "cancelled", "batch_cancelled"],
      ["req-4", 4, "cancelled", "batch_cancelled"],
      ["req-5", 5, "cancelled", "batch_cancelled"],
    ]);
  });

  test("a custom_id of the output that the input lacks comes last, without a line; one in neither file is missing", async () => {
    const target = await start();
    const created = await createBatch(target.client, chatJsonl(2));
    await target.emulator.advance(60_000);
    const records = await collect(
      readBatchResults(created.id, { ...api(target), input: requests("req-2", "req-9") }),
    );
    expect(brief(records)).toEqual([
      ["req-2", 1, "succeeded", undefined],
      ["req-9", 2, "missing", "missing"],
      ["req-1", undefined, "succeeded", undefined],
    ]);
  });

  test("an output file that expired is a 404 that says so, when the batch finished, and points at outputExpiresAfter", async () => {
    const target = await start();
    const { client, emulator } = target;
    const file = await client.files.create({
      file: new File([chatJsonl(1)], "in.jsonl"),
      purpose: "batch",
    });
    const created = await client.batches.create({
      input_file_id: file.id,
      endpoint: CHAT,
      completion_window: "24h",
      output_expires_after: { anchor: "created_at", seconds: 3600 },
    });
    await emulator.advance(60_000);
    const done = await client.batches.retrieve(created.id);
    await emulator.advance(3_600_000);
    const error = await failureOf(readBatchResults(created.id, api(target)));
    expect(isBatchApiError(error) && error.status).toBe(404);
    expect((error as Error).message).toBe(
      `Could not download the output file ${done.output_file_id} of batch ${created.id}: the file no longer exists: it has expired or been deleted (the batch finished at ${new Date(done.completed_at! * 1000).toISOString()}; its files expire at the time output_expires_after sets after that). A batch's output and error files are kept only until their expires_at; read the results before then, or give the batch a longer \`outputExpiresAfter\` (output_expires_after, up to 30 days) (HTTP 404).`,
    );
  });

  test("a file id no batch vouches for, and that the API does not know: not found, not expired", async () => {
    const target = await start();
    const error = await failureOf(readBatchResults({ output_file_id: "file-madeup" }, api(target)));
    expect(isBatchApiError(error) && error.status).toBe(404);
    expect((error as Error).message).toBe(
      "Could not download the output file file-madeup: no file found with id 'file-madeup'; check the id (a file that has expired or been deleted is not found either: read the results by the batch's id, which tells the two apart) (HTTP 404).",
    );
  });

  test("a program is told of its key in its own terms: the apiKey option or OPENAI_API_KEY, never Pulumi", async () => {
    const target = await start();
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      const missing = await failureOf(readBatchResults("batch_1", { baseUrl: target.emulator.url }));
      expect((missing as Error).message).toBe(
        "apiKey (OPENAI_API_KEY): no OpenAI API key is set; set OPENAI_API_KEY in the environment, or pass apiKey",
      );
    } finally {
      if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
    }
    const refused = await failureOf(
      readBatchResults("batch_1", { apiKey: "sk-not-the-emulators-key", baseUrl: target.emulator.url }),
    );
    expect(isBatchApiError(refused) && refused.status).toBe(401);
    expect((refused as Error).message).toMatch(
      /^The OpenAI API refused the API key \(HTTP 401.*\) when readBatchResults tried to retrieve the batch: .+\. Set a valid key in apiKey \(OPENAI_API_KEY\), one for the server at http:\/\/127\.0\.0\.1:\d+\/v1 \(baseUrl \(OPENAI_BASE_URL\) names another, such as the local emulator\)\.$/,
    );
  });

  test("a batch that has not finished is refused, saying to wait, rather than read as missing requests", async () => {
    const target = await start();
    const created = await createBatch(target.client, chatJsonl(2));
    const error = await failureOf(readBatchResults(created.id, { ...api(target), input: inputFile(2) }));
    expect(isBatchInputError(error)).toBe(true);
    expect((error as Error).message).toBe(
      `${created.id}: the batch is validating, not finished: its results are written when it has completed, failed, expired or been cancelled; wait for that, then read them`,
    );
  });

  test("an unknown batch id is a 404 that names it; the key is in no message", async () => {
    const target = await start();
    const error = await failureOf(readBatchResults("batch_nope", api(target)));
    expect(isBatchApiError(error) && error.status).toBe(404);
    expect((error as Error).message).toContain("no batch found with id 'batch_nope'");
    expect((error as Error).message).not.toContain(target.emulator.apiKey);
  });

  test("an input line without custom_id names the file and the line", async () => {
    const target = await start();
    const created = await createBatch(target.client, chatJsonl(1));
    await target.emulator.advance(60_000);
    const path = join(dir, "bad.jsonl");
    writeFileSync(path, `${chatJsonl(1)}{"method":"POST"}\n`);
    const error = await failureOf(readBatchResults(created.id, { ...api(target), input: path }));
    expect((error as Error).message).toBe(
      `input: ${path}:2: the line has no custom_id; give the input file the batch ran`,
    );
  });
});
