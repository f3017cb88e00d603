import { afterEach, describe, expect, test } from "vitest";
import { isEmulatorUsageError } from "../../provider/emulator";
import {
  chatJsonl,
  createBatch,
  failure,
  fileLines,
  sortedCustomIds,
  startTestEmulator,
  type TestEmulator,
} from "./support/harness";

const DURATIONS = { validatingMs: 1_000, inProgressMs: 10_000, finalizingMs: 1_000, cancellingMs: 3_000 };
const DAY = 86_400_000;

let env: TestEmulator | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

describe("expiry", () => {
  test("a batch stuck in_progress expires after 24h with partial results; the rest are batch_expired", async () => {
    env = await startTestEmulator({ durations: DURATIONS });
    const { client, emulator } = env;
    const created = await createBatch(client, chatJsonl(10));
    await emulator.advance(1_000 + 4_000);
    await emulator.setBatchStatus(created.id, "in_progress", { stuck: true });
    await emulator.advance(DAY);
    const expired = await client.batches.retrieve(created.id);
    expect(expired.status).toBe("expired");
    expect(expired.expired_at).toBe(expired.expires_at);
    expect(expired.request_counts).toEqual({ total: 10, completed: 4, failed: 6 });
    expect(await sortedCustomIds(client, expired.output_file_id!)).toEqual([
      "req-1",
      "req-2",
      "req-3",
      "req-4",
    ]);
    expect(await sortedCustomIds(client, expired.error_file_id!)).toEqual([
      "req-5",
      "req-6",
      "req-7",
      "req-8",
      "req-9",
      "req-10",
    ]);
    const errors = await fileLines(client, expired.error_file_id!);
    expect(errors.find((line) => line.custom_id === "req-5")).toEqual({
      id: expect.stringMatching(/^batch_req_/),
      custom_id: "req-5",
      response: null,
      error: {
        code: "batch_expired",
        message: "This request could not be executed before the completion window expired.",
      },
    });
  });

  test("a batch still validating at the end of its window expires with no files", async () => {
    env = await startTestEmulator({ durations: DURATIONS });
    const { client, emulator } = env;
    const created = await createBatch(client, chatJsonl(2));
    await emulator.setBatchStatus(created.id, "validating", { stuck: true });
    await emulator.advance(DAY - 1);
    expect((await client.batches.retrieve(created.id)).status).toBe("validating");
    await emulator.advance(1);
    const expired = await client.batches.retrieve(created.id);
    expect(expired.status).toBe("expired");
    expect(expired.request_counts).toEqual({ total: 0, completed: 0, failed: 0 });
    expect(expired).not.toHaveProperty("output_file_id");
    expect(expired).not.toHaveProperty("error_file_id");
  });

  test("a stuck batch set free carries on from where it was", async () => {
    env = await startTestEmulator({ durations: DURATIONS });
    const { client, emulator } = env;
    const created = await createBatch(client, chatJsonl(2));
    await emulator.advance(1_000);
    await emulator.setBatchStatus(created.id, "in_progress", { stuck: true });
    await emulator.advance(60_000);
    expect((await client.batches.retrieve(created.id)).request_counts).toEqual({
      total: 2,
      completed: 0,
      failed: 0,
    });
    await emulator.setBatchStatus(created.id, "in_progress", { stuck: false });
    await emulator.advance(1_000);
    expect((await client.batches.retrieve(created.id)).status).toBe("completed");
  });
});

describe("cancel", () => {
  test("cancelling an in_progress batch stops it; after cancellingMs it is cancelled with partial output", async () => {
    env = await startTestEmulator({ durations: DURATIONS });
    const { client, emulator } = env;
    const created = await createBatch(client, chatJsonl(10));
    await emulator.advance(1_000 + 3_000);
    const cancelling = await client.batches.cancel(created.id);
    expect(cancelling.status).toBe("cancelling");
    expect(cancelling.cancelling_at).toBe(Math.floor(emulator.now() / 1000));
    expect(cancelling.request_counts).toEqual({ total: 10, completed: 3, failed: 0 });
    await emulator.advance(2_999);
    expect((await client.batches.retrieve(created.id)).status).toBe("cancelling");
    await emulator.advance(1);
    const cancelled = await client.batches.retrieve(created.id);
    expect(cancelled.status).toBe("cancelled");
    expect(cancelled.cancelled_at).toBe(Math.floor(emulator.now() / 1000));
    expect(cancelled.request_counts).toEqual({ total: 10, completed: 3, failed: 0 });
    expect(await sortedCustomIds(client, cancelled.output_file_id!)).toEqual(["req-1", "req-2", "req-3"]);
    expect(cancelled).not.toHaveProperty("error_file_id");
  });

  test("cancelling a validating batch ends with no requests and no files", async () => {
    env = await startTestEmulator({ durations: DURATIONS });
    const { client, emulator } = env;
    const created = await createBatch(client, chatJsonl(2));
    await client.batches.cancel(created.id);
    await emulator.advance(3_000);
    const cancelled = await client.batches.retrieve(created.id);
    expect(cancelled.status).toBe("cancelled");
    expect(cancelled.request_counts).toEqual({ total: 0, completed: 0, failed: 0 });
    expect(cancelled).not.toHaveProperty("output_file_id");
  });

  test("cancelling a batch already cancelling or cancelled answers 200 with the batch", async () => {
    env = await startTestEmulator({ durations: DURATIONS });
    const { client, emulator } = env;
    const created = await createBatch(client, chatJsonl(1));
    const first = await client.batches.cancel(created.id);
    expect((await client.batches.cancel(created.id)).cancelling_at).toBe(first.cancelling_at);
    await emulator.advance(3_000);
    expect((await client.batches.cancel(created.id)).status).toBe("cancelled");
  });

  test.each(["completed", "failed", "expired"])(
    "cancelling a %s batch is a 409 naming the status",
    async (status) => {
      env = await startTestEmulator({ durations: DURATIONS });
      const { client, emulator } = env;
      const created = await createBatch(client, chatJsonl(1));
      await emulator.setBatchStatus(created.id, status);
      const error = await failure(client.batches.cancel(created.id));
      expect(error.status).toBe(409);
      expect(error.error).toEqual({
        message: `Cannot cancel a batch with status '${status}'.`,
        type: "invalid_request_error",
        param: null,
        code: null,
      });
      expect((await client.batches.retrieve(created.id)).status).toBe(status);
    },
  );

  test("a cancel of an unknown batch is a 404", async () => {
    env = await startTestEmulator();
    const error = await failure(env.client.batches.cancel("batch_nope"));
    expect(error.status).toBe(404);
    expect(error.message).toBe("404 No batch found with id 'batch_nope'.");
  });
});

describe("forcing a status", () => {
  test("forcing completed runs every request", async () => {
    env = await startTestEmulator({ durations: DURATIONS });
    const { client, emulator } = env;
    const created = await createBatch(client, chatJsonl(3));
    await emulator.setBatchStatus(created.id, "completed");
    const done = await client.batches.retrieve(created.id);
    expect(done).toMatchObject({
      status: "completed",
      request_counts: { total: 3, completed: 3, failed: 0 },
    });
    expect(done.in_progress_at).toBe(done.completed_at);
    expect(await fileLines(client, done.output_file_id!)).toHaveLength(3);
  });

  test.each([
    ["completed", "in_progress", "conflict"],
    ["cancelling", "completed", "conflict"],
    ["in_progress", "validating", "conflict"],
  ])("a %s batch cannot be forced to %s", async (from, to, reason) => {
    env = await startTestEmulator({ durations: DURATIONS });
    const { client, emulator } = env;
    const created = await createBatch(client, chatJsonl(1));
    await emulator.setBatchStatus(created.id, from);
    const error = await emulator.setBatchStatus(created.id, to).catch((e: unknown) => e);
    expect(isEmulatorUsageError(error) && error.reason).toBe(reason);
  });

  test("an unknown status or batch is refused", async () => {
    env = await startTestEmulator();
    const created = await createBatch(env.client, chatJsonl(1));
    const bad = await env.emulator.setBatchStatus(created.id, "paused").catch((e: unknown) => e);
    expect(isEmulatorUsageError(bad) && bad.message).toBe(
      'Expected `status` to be one of validating, failed, in_progress, finalizing, completed, expired, cancelling, cancelled; got "paused".',
    );
    const missing = await env.emulator.setBatchStatus("batch_nope", "failed").catch((e: unknown) => e);
    expect(isEmulatorUsageError(missing) && missing.reason).toBe("not_found");
  });
});
