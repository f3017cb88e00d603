import { afterEach, describe, expect, test } from "vitest";
import { type FaultRule, isEmulatorConfigError, startEmulator } from "../../provider/emulator";
import {
  byRequestNumber,
  CHAT,
  chatJsonl,
  createBatch,
  EMBEDDINGS,
  failure,
  fileLines,
  requestLine,
  startTestEmulator,
  type TestEmulator,
  uploadBatchFile,
} from "./support/harness";

let env: TestEmulator | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

async function withFaults(faults: FaultRule[]): Promise<TestEmulator> {
  env = await startTestEmulator();
  env.emulator.setFaults(faults);
  return env;
}

/** Runs a batch of `count` chat requests to the end and returns it with its two files' lines. */
async function runBatch(target: TestEmulator, count: number) {
  const created = await createBatch(target.client, chatJsonl(count));
  await target.emulator.advance(60_000);
  const batch = await target.client.batches.retrieve(created.id);
  const output = batch.output_file_id ? await fileLines(target.client, batch.output_file_id) : [];
  const errors = batch.error_file_id ? await fileLines(target.client, batch.error_file_id) : [];
  return { batch, output, errors };
}

/** The custom_ids of a file's lines, in request order (the emulator shuffles the lines). */
const idsOf = (lines: Record<string, unknown>[]) =>
  lines.map((line) => line.custom_id as string).sort(byRequestNumber);

describe("request_failure", () => {
  test("fails requests at a seeded rate with the chosen status and code; the same seed fails the same requests", async () => {
    const rule: FaultRule = {
      kind: "request_failure",
      rate: 0.3,
      seed: 11,
      statusCode: 503,
      errorCode: "server_error",
    };
    const first = await runBatch(await withFaults([rule]), 20);
    await env?.close();
    const second = await runBatch(await withFaults([rule]), 20);

    expect(idsOf(second.errors)).toEqual(idsOf(first.errors));
    expect(first.errors.length).toBeGreaterThan(0);
    expect(first.output.length).toBeGreaterThan(0);
    expect(first.batch.status).toBe("completed");
    expect(first.batch.request_counts).toEqual({
      total: 20,
      completed: first.output.length,
      failed: first.errors.length,
    });
    expect([...idsOf(first.output), ...idsOf(first.errors)].sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `req-${i + 1}`).sort(),
    );
    for (const line of first.errors) {
      expect(line.error).toBeNull();
      expect(line.response).toMatchObject({
        status_code: 503,
        body: { error: { type: "server_error", code: "server_error", param: null } },
      });
    }
  });

  test("a count rule fails the next N requests whose url matches its path, and no others", async () => {
    const { client, emulator } = await withFaults([
      {
        kind: "request_failure",
        path: EMBEDDINGS,
        count: 2,
        statusCode: 429,
        errorCode: "rate_limit_exceeded",
      },
    ]);
    const chat = await runBatch(env as TestEmulator, 3);
    expect(chat.errors).toEqual([]);

    const lines = ["e-1", "e-2", "e-3"]
      .map((id) => `${requestLine(id, EMBEDDINGS, { model: "text-embedding-3-small", input: id })}\n`)
      .join("");
    const created = await createBatch(client, lines, EMBEDDINGS);
    await emulator.advance(60_000);
    const batch = await client.batches.retrieve(created.id);
    const errors = await fileLines(client, batch.error_file_id!);
    expect(idsOf(errors)).toEqual(["e-1", "e-2"]);
    for (const line of errors) {
      expect(line.response).toMatchObject({
        status_code: 429,
        body: { error: { type: "requests", code: "rate_limit_exceeded" } },
      });
    }
    expect(idsOf(await fileLines(client, batch.output_file_id!))).toEqual(["e-3"]);
    expect(await (await fetch(`${emulator.origin}/_emulator/faults`)).json()).toEqual({ faults: [] });
  });

  test("request_failure rules never touch /v1 calls", async () => {
    const { client, emulator } = await withFaults([{ kind: "request_failure" }]);
    await client.batches.list();
    expect(emulator.calls().map((call) => [call.status, call.fault])).toEqual([[200, undefined]]);
  });

  test("the batch's usage is the sum of the usage in its answered requests' bodies", async () => {
    await withFaults([{ kind: "request_failure", rate: 0.4, seed: 3 }]);
    const { batch, output, errors } = await runBatch(env as TestEmulator, 12);
    expect(errors.length).toBeGreaterThan(0);
    type ChatUsage = { prompt_tokens: number; completion_tokens: number; total_tokens: number };
    const sum = (pick: (usage: ChatUsage) => number) =>
      output.reduce(
        (total, line) => total + pick((line.response as { body: { usage: ChatUsage } }).body.usage),
        0,
      );
    expect(batch.usage).toEqual({
      input_tokens: sum((u) => u.prompt_tokens),
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: sum((u) => u.completion_tokens),
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: sum((u) => u.total_tokens),
    });
    expect(batch.usage?.input_tokens).toBeGreaterThan(0);
  });

  test.each([
    [
      [{ kind: "rate_limit", statusCode: 500 }],
      '`faults[0].statusCode` only applies to a request_failure rule; remove it, or set kind to "request_failure".',
    ],
    [
      [{ kind: "request_failure", statusCode: 200 }],
      "Expected `faults[0].statusCode` to be an HTTP status code from 400 to 599; got 200.",
    ],
    [
      [{ kind: "request_failure", errorCode: "" }],
      'Expected `faults[0].errorCode` to be an error code of 1 to 64 letters, digits, "_", "." or "-", such as "server_error"; got "".',
    ],
    [
      [{ kind: "request_failure", method: "POST" }],
      "`faults[0].method` does not apply to a request_failure rule (every batch request is a POST); remove it.",
    ],
  ])("%j is refused", async (faults, message) => {
    const error = await startEmulator({ faults: faults as FaultRule[] }).catch((e: unknown) => e);
    expect(isEmulatorConfigError(error) && error.message).toBe(message);
  });
});

describe("output file expiry", () => {
  test("output and error files answer 404 once their expires_at has passed", async () => {
    env = await startTestEmulator();
    env.emulator.setFaults([{ kind: "request_failure", count: 1 }]);
    const { client, emulator } = env;
    const file = await uploadBatchFile(client, chatJsonl(2));
    const created = await client.batches.create({
      input_file_id: file.id,
      endpoint: CHAT,
      completion_window: "24h",
      output_expires_after: { anchor: "created_at", seconds: 3600 },
    });
    await emulator.advance(60_000);
    const batch = await client.batches.retrieve(created.id);
    const ids = [batch.output_file_id!, batch.error_file_id!];
    const output = await client.files.retrieve(ids[0]!);
    expect(output.expires_at).toBe(output.created_at + 3600);
    const expiresMs = output.expires_at! * 1000;

    await emulator.advance(expiresMs - 1 - emulator.now());
    for (const id of ids) expect((await client.files.retrieve(id)).id).toBe(id);

    await emulator.advance(1_001);
    for (const id of ids) {
      expect((await failure(client.files.retrieve(id))).status).toBe(404);
      expect((await failure(client.files.content(id))).status).toBe(404);
    }
    expect((await client.files.list()).data.map((f) => f.id)).toEqual([file.id]);
  });
});
