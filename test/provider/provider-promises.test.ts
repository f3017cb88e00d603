/**
 * Promises the README makes about the provider, each shown against the emulator over HTTP with
 * the provider's clock on the emulator's manual clock.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import type { BatchOutputs } from "../../provider/contract";
import { isBatchApiError, isBatchInputError, isBatchWaitError } from "../../provider/errors";
import { serializeRequests } from "../../provider/validation/jsonl/serialize";
import { EMBEDDINGS, embeddingRequests, type ProviderUnderTest, providerWithEmulator } from "./harness";

let env: ProviderUnderTest;
afterEach(async () => {
  await env?.close();
});

const failureOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new RangeError("expected the call to fail");
    },
    (error: unknown) => error,
  );

describe("deleteInputFileOnDelete: false", () => {
  test("a delete cancels the batch and keeps the uploaded file", async () => {
    env = await providerWithEmulator();
    const inputs = await env.checked({
      endpoint: EMBEDDINGS,
      requests: embeddingRequests(2),
      deleteInputFileOnDelete: false,
    });
    const { id, outs } = await env.provider.create(inputs);
    env.emulator.clearCalls();
    await env.provider.delete(id, outs!);
    expect((await env.client.batches.retrieve(id)).status).toBe("cancelling");
    expect((await env.batchFiles()).map((f) => f.id)).toEqual([outs?.inputFileId]);
    expect(env.emulator.calls().filter((c) => c.method === "DELETE")).toEqual([]);
  });

  test("a replacement (the new batch created, then the old one deleted) keeps the old batch's file", async () => {
    env = await providerWithEmulator();
    const old = await env.provider.create(
      await env.checked({
        endpoint: EMBEDDINGS,
        requests: embeddingRequests(2),
        deleteInputFileOnDelete: false,
      }),
    );
    // A change of content replaces the resource: Pulumi creates the new batch, then deletes the old.
    const replacement = await env.provider.create(
      await env.checked({
        endpoint: EMBEDDINGS,
        requests: embeddingRequests(3),
        deleteInputFileOnDelete: false,
      }),
    );
    await env.provider.delete(old.id, old.outs!);
    expect((await env.client.batches.retrieve(old.id)).status).toBe("cancelling");
    expect((await env.batchFiles()).map((f) => f.id).sort()).toEqual(
      [old.outs?.inputFileId, replacement.outs?.inputFileId].sort(),
    );
  });
});

describe("outputExpiresAfter", () => {
  test("reaches the API on create, and the output file expires that long after it was made", async () => {
    env = await providerWithEmulator();
    const inputs = await env.checked({
      endpoint: EMBEDDINGS,
      requests: embeddingRequests(2),
      outputExpiresAfter: { anchor: "created_at", seconds: 7200 },
      waitForCompletion: true,
      pollIntervalSeconds: 5,
    });
    const { outs } = await env.provider.create(inputs);
    expect(outs?.status).toBe("completed");
    const output = await env.client.files.retrieve(outs!.outputFileId!);
    expect(output.expires_at).toBe(output.created_at + 7200);
  });

  test("without it the output file does not expire", async () => {
    env = await providerWithEmulator();
    const inputs = await env.checked({
      endpoint: EMBEDDINGS,
      requests: embeddingRequests(1),
      waitForCompletion: true,
      pollIntervalSeconds: 5,
    });
    const { outs } = await env.provider.create(inputs);
    const output = await env.client.files.retrieve(outs!.outputFileId!);
    expect(output.expires_at ?? null).toBeNull();
  });
});

describe("what was checked is what is uploaded", () => {
  test("a file that changes between check and create sends nothing, and the error says why", async () => {
    const dir = mkdtempSync(join(tmpdir(), "provider-rehash-"));
    const path = join(dir, "docs.jsonl");
    writeFileSync(path, serializeRequests(embeddingRequests(2)));
    env = await providerWithEmulator({ cwd: dir });
    const inputs = await env.checked({ endpoint: EMBEDDINGS, inputFile: "docs.jsonl" });
    writeFileSync(path, serializeRequests(embeddingRequests(3)));
    env.emulator.clearCalls();

    const error = await failureOf(env.provider.create(inputs));
    expect(isBatchInputError(error)).toBe(true);
    if (!isBatchInputError(error)) return;
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]?.property).toBe("inputFile");
    expect(error.problems[0]?.reason).toMatch(
      /^docs\.jsonl changed after it was validated \(its sha256 is now [0-9a-f]{64}\); run the command again so that the new content is checked$/,
    );
    // Only the read-only look-up for an earlier attempt's batch went out: no upload, no create.
    expect(env.emulator.calls().map((c) => `${c.method} ${c.path}`)).toEqual(["GET /v1/batches"]);
    expect(await env.batchFiles()).toEqual([]);
    expect((await env.client.batches.list()).data).toEqual([]);
  });
});

describe("a failed or expired batch keeps failing later updates", () => {
  test("failed: every later update fails with the batch's own message, and calls no API", async () => {
    env = await providerWithEmulator();
    const line = JSON.stringify(embeddingRequests(1)[0]);
    const file = await env.client.files.create({
      file: new File([`${line}\n${line}\n`], "dup.jsonl"),
      purpose: "batch",
    });
    const inputs = await env.checked({ endpoint: EMBEDDINGS, inputFileId: file.id, waitForCompletion: true });
    const first = await failureOf(env.provider.create(inputs));
    if (!isBatchWaitError(first)) throw first;
    expect(first.message).toMatch(new RegExp(`^Batch ${first.id} failed: line 2: `));

    env.emulator.clearCalls();
    let state: BatchOutputs = first.properties;
    for (const change of [{}, { waitTimeoutSeconds: 600 }, { pollIntervalSeconds: 60 }]) {
      const again = await failureOf(env.provider.update(first.id, state, { ...inputs, ...change }));
      if (!isBatchWaitError(again)) throw again;
      expect(again.message).toBe(first.message);
      expect(again.lastStatus).toBe("failed");
      state = again.properties;
    }
    expect(env.emulator.calls()).toEqual([]);
  });

  test("expired: the next update fails again with the expiry message", async () => {
    env = await providerWithEmulator();
    const inputs = await env.checked({
      endpoint: EMBEDDINGS,
      requests: embeddingRequests(2),
      waitForCompletion: true,
      pollIntervalSeconds: 60,
    });
    const created = await env.provider.create({ ...inputs, waitForCompletion: false });
    await env.emulator.setBatchStatus(created.id, "expired");
    const first = await failureOf(env.provider.update(created.id, created.outs!, inputs));
    if (!isBatchWaitError(first)) throw first;
    expect(first.lastStatus).toBe("expired");
    expect(first.message).toMatch(new RegExp(`^Batch ${created.id} expired`));
    const again = await failureOf(env.provider.update(created.id, first.properties, inputs));
    if (!isBatchWaitError(again)) throw again;
    expect(again.message).toBe(first.message);
  });
});

describe("refresh", () => {
  test("a batch cancelled outside Pulumi reads back cancelled, with its inputs unchanged", async () => {
    env = await providerWithEmulator();
    const inputs = await env.checked({ endpoint: EMBEDDINGS, requests: embeddingRequests(2) });
    const { id, outs } = await env.provider.create(inputs);
    await env.client.batches.cancel(id);
    await env.emulator.advance(60_000);
    const remote = await env.client.batches.retrieve(id);
    expect(remote.status).toBe("cancelled");

    const read = await env.provider.read(id, outs!);
    expect(read.id).toBe(id);
    expect(read.props).toMatchObject({
      status: "cancelled",
      cancellingAt: remote.cancelling_at,
      cancelledAt: remote.cancelled_at,
      inputFileId: outs?.inputFileId,
      uploadedInputFile: true,
    });
    expect(read.inputs).toEqual({
      endpoint: inputs.endpoint,
      requests: inputs.requests,
      completionWindow: "24h",
      waitForCompletion: false,
      waitTimeoutSeconds: 86400,
      pollIntervalSeconds: 30,
      cancelOnDelete: true,
      deleteInputFileOnDelete: true,
      retryFailedRequests: 0,
      inputSha256: inputs.inputSha256,
      requestCount: 2,
      estimate: inputs.estimate,
    });
  });
});

describe("waiting", () => {
  test("polls come at 1 s, 2 s, 4 s, ... up to pollIntervalSeconds, and the last one at the deadline", async () => {
    env = await providerWithEmulator();
    const inputs = await env.checked({
      endpoint: EMBEDDINGS,
      requests: embeddingRequests(1),
      waitForCompletion: true,
      waitTimeoutSeconds: 60,
      pollIntervalSeconds: 10,
    });
    const created = await env.provider.create({ ...inputs, waitForCompletion: false });
    await env.emulator.setBatchStatus(created.id, "in_progress", { stuck: true });
    env.emulator.clearCalls();
    const started = env.emulator.now();
    const error = await failureOf(env.provider.update(created.id, created.outs!, inputs));
    expect(isBatchWaitError(error)).toBe(true);
    const polls = env.emulator.calls().filter((c) => c.path === `/v1/batches/${created.id}`);
    expect(polls.map((c) => (c.at - started) / 1000)).toEqual([0, 1, 3, 7, 15, 25, 35, 45, 55, 60]);
    expect(env.emulator.now() - started).toBe(60_000);
  });

  test("jitter only shortens a wait: with the largest draw no poll comes later than pollIntervalSeconds after the last", async () => {
    env = await providerWithEmulator({ deps: { random: () => 0.999 } });
    const inputs = await env.checked({
      endpoint: EMBEDDINGS,
      requests: embeddingRequests(1),
      waitForCompletion: true,
      waitTimeoutSeconds: 60,
      pollIntervalSeconds: 10,
    });
    const created = await env.provider.create({ ...inputs, waitForCompletion: false });
    await env.emulator.setBatchStatus(created.id, "in_progress", { stuck: true });
    env.emulator.clearCalls();
    const started = env.emulator.now();
    const error = await failureOf(env.provider.update(created.id, created.outs!, inputs));
    expect(isBatchWaitError(error)).toBe(true);
    const polls = env.emulator.calls().filter((c) => c.path === `/v1/batches/${created.id}`);
    const at = polls.map((c) => c.at - started);
    const gaps = at.slice(1).map((time, index) => time - (at[index] as number));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(10_000);
    // Each wait is its step (1 s, 2 s, 4 s, 8 s, then the 10 s cap) less 9.99%, the last one cut at the deadline.
    expect(gaps).toEqual([900, 1_800, 3_600, 7_201, 9_001, 9_001, 9_001, 9_001, 9_001, 1_494]);
    expect(at.at(-1)).toBe(60_000);
  });
});

describe("errors", () => {
  test("an API refusal is a BatchApiError with the operation, status, param and request id", async () => {
    env = await providerWithEmulator();
    const inputs = await env.checked({ endpoint: EMBEDDINGS, inputFileId: "file-AAAAAAAAAAAAAAAAAAAAAA" });
    const error = await failureOf(env.provider.create(inputs));
    expect(isBatchApiError(error)).toBe(true);
    if (!isBatchApiError(error)) return;
    expect({
      operation: error.operation,
      status: error.status,
      code: error.code,
      param: error.param,
    }).toEqual({ operation: "create the batch", status: 404, code: undefined, param: "input_file_id" });
    expect(error.requestId).toMatch(/^req_[0-9a-f]{32}$/);
  });
});
