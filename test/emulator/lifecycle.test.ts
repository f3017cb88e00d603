import { afterEach, describe, expect, test } from "vitest";
import {
  CHAT,
  chatJsonl,
  createBatch,
  fileLines,
  startTestEmulator,
  type TestEmulator,
} from "./support/harness";
import { pollUntil } from "./support/poll";

const DURATIONS = { validatingMs: 1_000, inProgressMs: 10_000, finalizingMs: 2_000, cancellingMs: 3_000 };

let env: TestEmulator | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

describe("batch lifecycle", () => {
  test("a batch moves validating → in_progress → finalizing → completed on the emulator clock", async () => {
    env = await startTestEmulator({ durations: DURATIONS });
    const { client, emulator } = env;
    const created = await createBatch(client, chatJsonl(4));
    const t0 = created.created_at;
    expect(created).toMatchObject({
      object: "batch",
      status: "validating",
      endpoint: CHAT,
      completion_window: "24h",
    });
    expect(created.expires_at).toBe(t0 + 86_400);
    expect(created.request_counts).toEqual({ total: 0, completed: 0, failed: 0 });
    for (const key of ["in_progress_at", "output_file_id", "errors", "model", "metadata"]) {
      expect(created).not.toHaveProperty(key);
    }

    await emulator.advance(999);
    expect((await client.batches.retrieve(created.id)).status).toBe("validating");

    await emulator.advance(1);
    const started = await client.batches.retrieve(created.id);
    expect(started.status).toBe("in_progress");
    expect(started.in_progress_at).toBe(created.created_at + 1);
    expect(started.request_counts).toEqual({ total: 4, completed: 0, failed: 0 });
    expect(started.model).toBe("gpt-4o-mini");

    await emulator.advance(5_000);
    const halfway = await client.batches.retrieve(created.id);
    expect(halfway.status).toBe("in_progress");
    expect(halfway.request_counts).toEqual({ total: 4, completed: 2, failed: 0 });

    await emulator.advance(5_000);
    const finalizing = await client.batches.retrieve(created.id);
    expect(finalizing.status).toBe("finalizing");
    expect(finalizing.request_counts).toEqual({ total: 4, completed: 4, failed: 0 });
    expect(finalizing).not.toHaveProperty("output_file_id");

    await emulator.advance(2_000);
    const done = await client.batches.retrieve(created.id);
    expect(done.status).toBe("completed");
    expect(done.output_file_id).toMatch(/^file-/);
    expect(done).not.toHaveProperty("error_file_id");
    expect(done.completed_at! - done.finalizing_at!).toBe(2);
    expect(done.finalizing_at! - done.in_progress_at!).toBe(10);
  });

  test("the timestamps come from the emulator clock, in unix seconds", async () => {
    env = await startTestEmulator({ durations: DURATIONS });
    const { client, emulator } = env;
    const start = emulator.now();
    const created = await createBatch(client, chatJsonl(1));
    await emulator.advance(20_000);
    const done = await client.batches.retrieve(created.id);
    const at = (ms: number) => Math.floor((start + ms) / 1000);
    expect(done.created_at).toBe(at(0));
    expect(done.in_progress_at).toBe(at(1_000));
    expect(done.finalizing_at).toBe(at(11_000));
    expect(done.completed_at).toBe(at(13_000));
  });

  test("the output file has one official-format line per request (in no promised order), with usage summed", async () => {
    env = await startTestEmulator({ durations: DURATIONS });
    const { client, emulator } = env;
    const created = await createBatch(client, chatJsonl(3));
    await emulator.advance(60_000);
    const done = await client.batches.retrieve(created.id);
    const output = await client.files.retrieve(done.output_file_id!);
    expect(output).toMatchObject({
      purpose: "batch_output",
      filename: `${created.id}_output.jsonl`,
      status: "processed",
    });
    const lines = await fileLines(client, done.output_file_id!);
    expect(lines.map((l) => l.custom_id as string).sort()).toEqual(["req-1", "req-2", "req-3"]);
    for (const line of lines) {
      expect(Object.keys(line)).toEqual(["id", "custom_id", "response", "error"]);
      expect(line.id).toMatch(/^batch_req_[A-Za-z0-9]{24}$/);
      expect(line.error).toBeNull();
      const response = line.response as {
        status_code: number;
        request_id: string;
        body: Record<string, unknown>;
      };
      expect(response.status_code).toBe(200);
      expect(response.request_id).toMatch(/^[0-9a-f]{32}$/);
      expect(response.body).toMatchObject({ object: "chat.completion", model: "gpt-4o-mini" });
    }
    const usage = lines.map(
      (l) =>
        (l.response as { body: { usage: { prompt_tokens: number; completion_tokens: number } } }).body.usage,
    );
    const input = usage.reduce((sum, u) => sum + u.prompt_tokens, 0);
    const outputTokens = usage.reduce((sum, u) => sum + u.completion_tokens, 0);
    expect(done.usage).toEqual({
      input_tokens: input,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: outputTokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: input + outputTokens,
    });
  });

  test("a request whose body fails goes to the error file with status 400, the rest to the output file", async () => {
    env = await startTestEmulator({ durations: DURATIONS });
    const { client, emulator } = env;
    const lines = [
      JSON.stringify({ custom_id: "ok", method: "POST", url: CHAT, body: { model: "m", messages: [] } }),
      JSON.stringify({ custom_id: "no-model", method: "POST", url: CHAT, body: { messages: [] } }),
      JSON.stringify({
        custom_id: "forced",
        method: "POST",
        url: CHAT,
        body: { model: "m", messages: [], __emulator_fail: true },
      }),
    ].join("\n");
    const created = await createBatch(client, lines);
    await emulator.advance(60_000);
    const done = await client.batches.retrieve(created.id);
    expect(done.status).toBe("completed");
    expect(done.request_counts).toEqual({ total: 3, completed: 1, failed: 2 });
    expect((await fileLines(client, done.output_file_id!)).map((l) => l.custom_id)).toEqual(["ok"]);
    const errors = new Map(
      (await fileLines(client, done.error_file_id!)).map((line) => [line.custom_id as string, line]),
    );
    expect(
      [...errors].map(([id, l]) => [id, (l.response as { status_code: number }).status_code]).sort(),
    ).toEqual([
      ["forced", 400],
      ["no-model", 400],
    ]);
    expect((errors.get("no-model")!.response as { body: unknown }).body).toEqual({
      error: {
        message: "Missing required parameter: 'model'.",
        type: "invalid_request_error",
        param: "model",
        code: "missing_required_parameter",
      },
    });
    expect(errors.get("forced")!.error).toBeNull();
  });

  test("without durations a batch validates for 0.2 s, runs for 0.3 s and finalizes for 0.2 s", async () => {
    env = await startTestEmulator();
    const { client, emulator } = env;
    const created = await createBatch(client, chatJsonl(1));
    const statusAfter = async (ms: number) => {
      await emulator.advance(ms);
      return (await client.batches.retrieve(created.id)).status;
    };
    expect(created.status).toBe("validating");
    expect([
      await statusAfter(199),
      await statusAfter(1),
      await statusAfter(299),
      await statusAfter(1),
      await statusAfter(199),
      await statusAfter(1),
    ]).toEqual(["validating", "in_progress", "in_progress", "finalizing", "finalizing", "completed"]);
  });

  test("without durations a cancel takes 0.2 s", async () => {
    env = await startTestEmulator();
    const { client, emulator } = env;
    const created = await createBatch(client, chatJsonl(1));
    expect((await client.batches.cancel(created.id)).status).toBe("cancelling");
    await emulator.advance(199);
    expect((await client.batches.retrieve(created.id)).status).toBe("cancelling");
    await emulator.advance(1);
    expect((await client.batches.retrieve(created.id)).status).toBe("cancelled");
  });

  test("in real-time mode the batch completes by itself", async () => {
    env = await startTestEmulator({
      manualClock: false,
      timeScale: 1000,
      durations: { validatingMs: 10, inProgressMs: 10, finalizingMs: 10 },
    });
    const created = await createBatch(env.client, chatJsonl(2));
    const client = env.client;
    const done = await pollUntil(
      `batch ${created.id} completing in real time`,
      () => client.batches.retrieve(created.id),
      (batch) => batch.status === "completed",
    );
    expect(done.request_counts).toEqual({ total: 2, completed: 2, failed: 0 });
  });

  test("a failed validation leaves the batch failed with errors and no files", async () => {
    env = await startTestEmulator({ durations: DURATIONS });
    const { client, emulator } = env;
    const created = await createBatch(client, `${chatJsonl(1)}not json\n`);
    await emulator.advance(1_000);
    const failed = await client.batches.retrieve(created.id);
    expect(failed.status).toBe("failed");
    expect(failed.failed_at).toBe(failed.created_at + 1);
    expect(failed.errors).toEqual({
      object: "list",
      data: [
        {
          code: "invalid_json_line",
          message: "This line is not parseable as valid JSON.",
          param: null,
          line: 2,
        },
      ],
    });
    expect(failed).not.toHaveProperty("output_file_id");
    expect(failed).not.toHaveProperty("error_file_id");
    expect(failed).not.toHaveProperty("in_progress_at");
  });
});

describe("listing batches", () => {
  test("lists newest first and pages with after, limit, first_id, last_id and has_more", async () => {
    env = await startTestEmulator();
    const { client } = env;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createBatch(client, chatJsonl(1))).id);
    const newestFirst = [...ids].reverse();
    const first = await client.batches.list({ limit: 2 });
    expect(first.data.map((b) => b.id)).toEqual(newestFirst.slice(0, 2));
    expect(first.has_more).toBe(true);
    const body = (await client.batches.list({ limit: 2 }).withResponse()).data;
    expect(body.data.map((b) => b.id)).toEqual(newestFirst.slice(0, 2));
    const raw = (await (
      await fetch(`${env.emulator.url}/batches?limit=2&after=${newestFirst[1]}`, {
        headers: { authorization: `Bearer ${env.emulator.apiKey}` },
      })
    ).json()) as Record<string, unknown>;
    expect(raw).toEqual({
      object: "list",
      data: expect.any(Array),
      first_id: newestFirst[2],
      last_id: newestFirst[3],
      has_more: true,
    });
    const all: string[] = [];
    for await (const batch of client.batches.list({ limit: 2 })) all.push(batch.id);
    expect(all).toEqual(newestFirst);
  });

  test("an empty list has no first_id or last_id", async () => {
    env = await startTestEmulator();
    const raw = await fetch(`${env.emulator.url}/batches`, {
      headers: { authorization: `Bearer ${env.emulator.apiKey}` },
    });
    expect(await raw.json()).toEqual({ object: "list", data: [], has_more: false });
  });
});
