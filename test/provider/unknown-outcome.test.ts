import { randomBytes } from "node:crypto";
import OpenAI from "openai";
import { afterEach, describe, expect, test } from "vitest";
import type { BatchInputs, BatchOutputs } from "../../provider/contract";
import { type Emulator, type FaultRule, startEmulator } from "../../provider/emulator";
import { type BatchApiError, isBatchApiError } from "../../provider/errors";
import { isMarkerOf } from "../../provider/policy/in-flight";
import { createTokenOf } from "../../provider/runtime/create-token";
import { createLogger } from "../../provider/runtime/logger";
import { type BatchResourceProvider, createBatchProvider } from "../../provider/runtime/provider";
import { EMBEDDINGS, embeddingRequests } from "./harness";

/**
 * A create whose answer is lost (500 after the work was done) and whose look-up fails too: nobody
 * knows whether the batch exists. The provider records the resource under a placeholder id that
 * carries the create token, and every later step finds the batch by that token.
 */

let emulator: Emulator;
let client: OpenAI;
let provider: BatchResourceProvider;
let logs: string[];

afterEach(async () => {
  await emulator?.close();
});

/**
 * A provider on a fresh emulator whose `sleep` (called before the look-up that follows a failed
 * call) turns on `lookupFault` once a call matching `after` has arrived: the failed call's look-up
 * then fails as well.
 */
async function setUp(after: { method: string; path: string }, lookupFault: FaultRule): Promise<void> {
  const key = `sk-test-${randomBytes(16).toString("hex")}`;
  emulator = await startEmulator({ manualClock: true, apiKey: key });
  client = new OpenAI({ apiKey: key, baseURL: emulator.url, maxRetries: 0 });
  logs = [];
  provider = createBatchProvider({
    env: {},
    now: () => emulator.now(),
    // Waits take no time, and the emulator's clock stands still: every batch stays running.
    sleep: async () => {
      if (emulator.calls().some((c) => c.method === after.method && c.path === after.path)) {
        emulator.setFaults([lookupFault]);
      }
    },
    random: () => 0,
    log: createLogger("debug", (line) => logs.push(line)),
  });
  const config: Record<string, string> = {
    "openai:apiKey": key,
    "openai:baseUrl": emulator.url,
    "openai:maxRetries": "1",
  };
  await provider.configure({ config: { get: (name: string) => config[name] } });
}

async function checked(news: Record<string, unknown>): Promise<BatchInputs> {
  const result = await provider.check({} as BatchInputs, news as unknown as BatchInputs);
  expect(result.failures ?? []).toEqual([]);
  return result.inputs as BatchInputs;
}

async function failedCreate(inputs: BatchInputs, fault: FaultRule): Promise<BatchApiError> {
  emulator.setFaults([fault]);
  const error = await provider.create(inputs).then(
    () => undefined,
    (e: unknown) => e,
  );
  emulator.setFaults([]);
  emulator.clearCalls();
  expect(isBatchApiError(error)).toBe(true);
  return error as BatchApiError;
}

async function allBatches() {
  return (await client.batches.list({ limit: 100 })).data;
}

async function batchFiles() {
  return (await client.files.list({ purpose: "batch" })).data;
}

const LIVE = ["validating", "in_progress", "finalizing"];

describe("a batch create whose outcome is unknown", () => {
  async function unknownCreate(resourceKey = "p/s/unknown") {
    await setUp(
      { method: "POST", path: "/v1/batches" },
      { method: "GET", path: "/v1/batches", kind: "server_error" },
    );
    const inputs = await checked({ endpoint: EMBEDDINGS, requests: embeddingRequests(2), resourceKey });
    const error = await failedCreate(inputs, {
      method: "POST",
      path: "/v1/batches",
      kind: "server_error_after",
      count: 1,
    });
    const [batch] = await allBatches();
    return { inputs, error, batch: batch! };
  }

  test("is recorded in the state under a placeholder id that carries the create token", async () => {
    const { inputs, error, batch } = await unknownCreate();
    // The batch was made and runs; the error records it rather than losing it.
    expect(LIVE).toContain(batch.status);
    expect(batch.metadata?.pulumi_openai_batch_token).toBe(createTokenOf(inputs));
    expect(error.id).toBe(`pending:${createTokenOf(inputs)}`);
    expect(error.properties).toMatchObject({
      createToken: createTokenOf(inputs),
      inputFileId: batch.input_file_id,
      uploadedInputFile: true,
      stateVersion: 1,
    });
    expect(error.properties?.status).toBeUndefined();
    expect(error.reasons).toEqual([error.message]);
    expect(error.message).toContain("HTTP 500");
    expect(error.message).toContain(`recorded in the state as pending:${createTokenOf(inputs)}`);
    // The input file, and the create's in-flight marker, kept so that the next create adopts the batch.
    const files = await batchFiles();
    expect(files.map((f) => f.id).sort()).toEqual(
      [batch.input_file_id, files.find((f) => isMarkerOf(f.filename, createTokenOf(inputs)!))?.id].sort(),
    );
  });

  test("a delete cancels the batch and deletes its file", async () => {
    const { error, batch } = await unknownCreate();
    await provider.delete!(error.id!, error.properties!);
    expect((await client.batches.retrieve(batch.id)).status).toMatch(/^cancel/);
    expect(await batchFiles()).toEqual([]);
  });

  test("a refresh adopts the batch under its real id", async () => {
    const { inputs, error, batch } = await unknownCreate();
    const read = await provider.read!(error.id!, error.properties!);
    expect(read.id).toBe(batch.id);
    expect(read.props).toMatchObject({ status: batch.status, inputFileId: batch.input_file_id });
    // The token stays an output; it is never handed back as an input, which a plan would show.
    expect(read.props).toMatchObject({ createToken: createTokenOf(inputs) });
    expect((read as { inputs?: BatchInputs }).inputs).not.toHaveProperty("createToken");
  });

  test("the next up replaces it: with the same inputs the replacement adopts the batch, which the delete then keeps", async () => {
    const { inputs, error, batch } = await unknownCreate();
    const diff = await provider.diff!(error.id!, error.properties!, inputs);
    expect(diff).toEqual({ changes: true, replaces: ["status"], deleteBeforeReplace: false });
    const replacement = await provider.create(inputs);
    expect(replacement.id).toBe(batch.id);
    await provider.delete!(error.id!, error.properties!);
    expect(LIVE).toContain((await client.batches.retrieve(batch.id)).status);
    expect((await batchFiles()).map((f) => f.id)).toEqual([batch.input_file_id]);
  });

  test.each(["completed", "failed", "expired", "cancelled"])(
    "with the same inputs the replacement adopts the batch also when it is %s by then, and no marker is left",
    async (status) => {
      const { inputs, error, batch } = await unknownCreate();
      await emulator.setBatchStatus(batch.id, status);
      const replacement = await provider.create(inputs);
      expect(replacement.id).toBe(batch.id);
      expect(replacement.outs?.status).toBe(status);
      await provider.delete!(error.id!, error.properties!);
      expect((await allBatches()).map((b) => b.id)).toEqual([batch.id]);
      expect((await batchFiles()).map((f) => f.id)).toEqual([batch.input_file_id]);
    },
  );

  test("the next up with changed inputs makes a new batch and cancels the one of unknown outcome", async () => {
    const { error, batch } = await unknownCreate();
    const changed = await checked({
      endpoint: EMBEDDINGS,
      requests: embeddingRequests(3),
      resourceKey: "p/s/unknown",
    });
    const replacement = await provider.create(changed);
    await provider.delete!(error.id!, error.properties!);
    expect((await client.batches.retrieve(batch.id)).status).toMatch(/^cancel/);
    const live = (await allBatches()).filter((b) => LIVE.includes(b.status));
    expect(live.map((b) => b.id)).toEqual([replacement.id]);
    expect((await batchFiles()).map((f) => f.id)).toEqual([replacement.outs!.inputFileId]);
  });
});

// The input and the in-flight marker are uploaded side by side: the fault meets both, so that the
// outcome of each is unknown.
describe("an upload whose outcome is unknown", () => {
  test("is recorded under the placeholder id, and a refresh that finds no batch deletes the file", async () => {
    await setUp(
      { method: "POST", path: "/v1/files" },
      { method: "GET", path: "/v1/files", kind: "server_error" },
    );
    const inputs = await checked({
      endpoint: EMBEDDINGS,
      requests: embeddingRequests(2),
      resourceKey: "p/s/upload",
    });
    const error = await failedCreate(inputs, {
      method: "POST",
      path: "/v1/files",
      kind: "server_error_after",
      count: 2,
    });
    expect(error.id).toBe(`pending:${createTokenOf(inputs)}`);
    expect(error.properties?.inputFileId).toBeUndefined();
    expect(await allBatches()).toEqual([]);
    // The input and the marker, each named after the create token.
    const left = await batchFiles();
    expect(left).toHaveLength(2);
    for (const file of left) expect(file.filename).toContain(`.${createTokenOf(inputs)}.`);

    const read = await provider.read!(error.id!, error.properties as BatchOutputs);
    expect(read).toEqual({ id: "" });
    expect(await batchFiles()).toEqual([]);
  });

  test("a delete deletes the file", async () => {
    await setUp(
      { method: "POST", path: "/v1/files" },
      { method: "GET", path: "/v1/files", kind: "server_error" },
    );
    const inputs = await checked({
      endpoint: EMBEDDINGS,
      requests: embeddingRequests(2),
      resourceKey: "p/s/upload",
    });
    const error = await failedCreate(inputs, {
      method: "POST",
      path: "/v1/files",
      kind: "server_error_after",
      count: 2,
    });
    expect(await batchFiles()).toHaveLength(2);
    await provider.delete!(error.id!, error.properties as BatchOutputs);
    expect(await batchFiles()).toEqual([]);
  });
});
