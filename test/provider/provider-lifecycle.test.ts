import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { isBatchInputError, isBatchWaitError } from "../../provider/errors";
import { createTokenOf } from "../../provider/runtime/create-token";
import { serializeRequests } from "../../provider/validation/jsonl/serialize";
import { EMBEDDINGS, embeddingRequests, type ProviderUnderTest, providerWithEmulator } from "./harness";

let env: ProviderUnderTest;
afterEach(async () => {
  await env?.close();
});

const callsOf = (e: ProviderUnderTest) =>
  e.emulator.calls().map((c) => `${c.method} ${c.path.replace(/(batch_|file-)[\w-]+/g, "$1{id}")}`);

describe("create", () => {
  test("uploads inline requests as the exact JSONL that was hashed, and creates the batch", async () => {
    env = await providerWithEmulator();
    const requests = embeddingRequests(3);
    const inputs = await env.checked({ endpoint: EMBEDDINGS, requests, resourceKey: "p/s/a" });
    const { id, outs } = await env.provider.create(inputs);

    // The look-up for an earlier create's batch and the in-flight marker go beside the upload;
    // then the batch is created, and the marker is deleted as the create returns.
    expect(callsOf(env).slice(0, 3).sort()).toEqual(["GET /v1/batches", "POST /v1/files", "POST /v1/files"]);
    expect(callsOf(env).slice(3)).toEqual(["POST /v1/batches", "DELETE /v1/files/file-{id}"]);
    expect(outs).toMatchObject({
      status: "validating",
      endpoint: EMBEDDINGS,
      uploadedInputFile: true,
      requestCount: 3,
      stateVersion: 1,
      completionWindow: "24h",
    });
    const batch = await env.client.batches.retrieve(id);
    expect(outs?.inputFileId).toBe(batch.input_file_id);
    expect(batch.metadata).toEqual({ pulumi_openai_batch_token: createTokenOf(inputs) });
    const uploaded = Buffer.from(await (await env.client.files.content(batch.input_file_id)).arrayBuffer());
    expect(uploaded.equals(serializeRequests(requests))).toBe(true);
    expect(createHash("sha256").update(uploaded).digest("hex")).toBe(outs?.inputSha256);
  });

  test("streams a local file from the project directory and names the upload after it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "provider-file-"));
    const content = serializeRequests(embeddingRequests(50));
    writeFileSync(join(dir, "docs.jsonl"), content);
    env = await providerWithEmulator({ cwd: dir });
    const inputs = await env.checked({ endpoint: EMBEDDINGS, inputFile: "docs.jsonl" });
    const { id } = await env.provider.create(inputs);
    const batch = await env.client.batches.retrieve(id);
    const file = await env.client.files.retrieve(batch.input_file_id);
    // The input's name, the resource's create token, and a part of the attempt's own.
    expect(file.filename).toMatch(/^docs\.[0-9a-f]{32}\.[0-9a-f]{12}\.jsonl$/);
    expect(file.filename.split(".")[1]).toBe(createTokenOf(inputs));
    expect(file.bytes).toBe(content.length);
    expect(file.purpose).toBe("batch");
  });

  test("uses a given file id without uploading, and never claims the file", async () => {
    env = await providerWithEmulator();
    const file = await env.client.files.create({
      file: new File([serializeRequests(embeddingRequests(2))], "given.jsonl"),
      purpose: "batch",
    });
    env.emulator.clearCalls();
    const inputs = await env.checked({ endpoint: EMBEDDINGS, inputFileId: file.id });
    const { outs } = await env.provider.create(inputs);
    // Only the in-flight marker is uploaded (beside the look-up), and deleted as the create returns.
    expect(callsOf(env).slice(0, 2).sort()).toEqual(["GET /v1/batches", "POST /v1/files"]);
    expect(callsOf(env).slice(2)).toEqual(["POST /v1/batches", "DELETE /v1/files/file-{id}"]);
    expect(outs).toMatchObject({ inputFileId: file.id, uploadedInputFile: false });
    expect((await env.batchFiles()).map((f) => f.id)).toEqual([file.id]);
  });

  test("with waitForCompletion, returns a completed batch with its output file", async () => {
    env = await providerWithEmulator();
    const inputs = await env.checked({
      endpoint: EMBEDDINGS,
      requests: embeddingRequests(4),
      waitForCompletion: true,
      pollIntervalSeconds: 5,
    });
    const { outs } = await env.provider.create(inputs);
    expect(outs).toMatchObject({ status: "completed", requestCounts: { total: 4, completed: 4, failed: 0 } });
    expect(outs?.outputFileId).toMatch(/^file-/);
    const output = await (await env.client.files.content(outs!.outputFileId!)).text();
    expect(
      output
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).custom_id)
        .sort(),
    ).toEqual(["doc-1", "doc-2", "doc-3", "doc-4"]);
  });

  test("a wait that times out records the batch (id and outputs) and the next update resumes it", async () => {
    env = await providerWithEmulator();
    const inputs = await env.checked({
      endpoint: EMBEDDINGS,
      requests: embeddingRequests(2),
      waitForCompletion: true,
      waitTimeoutSeconds: 60,
      pollIntervalSeconds: 10,
    });
    const created = await env.provider.create({ ...inputs, waitForCompletion: false });
    await env.emulator.setBatchStatus(created.id, "in_progress", { stuck: true });
    const caught = await env.provider.update(created.id, created.outs!, inputs).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isBatchWaitError(caught)).toBe(true);
    if (!isBatchWaitError(caught)) return;
    expect(caught.id).toBe(created.id);
    expect(caught.properties).toMatchObject({
      status: "in_progress",
      uploadedInputFile: true,
      waitForCompletion: true,
    });
    expect(caught.message).toBe(
      `Batch ${created.id} is still in_progress after waiting 60 s (waitTimeoutSeconds). It keeps running, and it is recorded in the state: the next \`pulumi up\` resumes the wait. Raise waitTimeoutSeconds, or set waitForCompletion to false to stop waiting.`,
    );

    await env.emulator.setBatchStatus(created.id, "in_progress", { stuck: false });
    const resumed = await env.provider.update(created.id, caught.properties, inputs);
    expect(resumed.outs).toMatchObject({ status: "completed", uploadedInputFile: true });
  });

  test("a batch that fails validation in the API becomes a wait error naming the lines", async () => {
    env = await providerWithEmulator();
    const line = JSON.stringify(embeddingRequests(1)[0]);
    const file = await env.client.files.create({
      file: new File([`${line}\n${line}\n`], "dup.jsonl"),
      purpose: "batch",
    });
    const inputs = await env.checked({
      endpoint: EMBEDDINGS,
      inputFileId: file.id,
      waitForCompletion: true,
      resourceKey: "proj/dev/dups",
    });
    const caught = await env.provider.create(inputs).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isBatchWaitError(caught)).toBe(true);
    if (!isBatchWaitError(caught)) return;
    expect(caught.properties.status).toBe("failed");
    expect(caught.properties.errors?.[0]).toMatchObject({ code: "duplicate_custom_id", line: 2 });
    expect(caught.message).toBe(
      `Batch ${caught.id} failed: line 2: The custom_id 'doc-1' is already used on line 1. The custom_id of each request in a batch must be unique. Change the input (a new input replaces the batch) or run \`pulumi up --replace 'urn:pulumi:dev::proj::pulumi-nodejs:dynamic/openai:Batch::dups'\` to run it again.`,
    );
    expect(caught.message).not.toContain("..");
  });

  test("a batch that expires while waited for reports its partial results", async () => {
    env = await providerWithEmulator();
    const inputs = await env.checked({
      endpoint: EMBEDDINGS,
      requests: embeddingRequests(3),
      pollIntervalSeconds: 3600,
    });
    const created = await env.provider.create(inputs);
    await env.emulator.setBatchStatus(created.id, "in_progress", { stuck: true });
    const caught = await env.provider
      .update(created.id, created.outs!, {
        ...inputs,
        waitForCompletion: true,
        waitTimeoutSeconds: 2 * 86400,
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(isBatchWaitError(caught)).toBe(true);
    if (!isBatchWaitError(caught)) return;
    expect(caught.properties.status).toBe("expired");
    expect(caught.message).toMatch(
      /expired before it completed .*outputFileId and errorFileId hold the partial results/,
    );
  });
});

describe("read", () => {
  test("returns the live status and keeps the managed inputs", async () => {
    env = await providerWithEmulator();
    const inputs = await env.checked({
      endpoint: EMBEDDINGS,
      requests: embeddingRequests(2),
      metadata: { team: "a" },
    });
    const { id, outs } = await env.provider.create(inputs);
    await env.emulator.advance(60_000);
    const read = await env.provider.read!(id, outs);
    expect(read.id).toBe(id);
    expect(read.props).toMatchObject({
      status: "completed",
      metadata: { team: "a" },
      uploadedInputFile: true,
    });
    expect(read.inputs).toMatchObject({
      endpoint: EMBEDDINGS,
      metadata: { team: "a" },
      requests: inputs.requests,
    });
    expect(read.inputs?.inputFileId).toBeUndefined();
  });

  test("a batch the API does not know gives an empty id", async () => {
    env = await providerWithEmulator();
    expect(await env.provider.read!("batch_doesnotexist", { endpoint: EMBEDDINGS } as never)).toEqual({
      id: "",
    });
  });

  test("Batch.get of an id the API does not know fails, naming the id (its first read knows nothing else)", async () => {
    env = await providerWithEmulator();
    const error = await env.provider.read!("batch_typo123", { __provider: "serialized" } as never).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isBatchInputError(error)).toBe(true);
    expect((error as Error).message).toBe(
      'id: the API has no batch "batch_typo123" (it answered 404 Not Found); check the id given to Batch.get or pulumi import (batch ids look like batch_...), and that the key belongs to the project that owns the batch',
    );
  });

  test("adopting with Batch.get describes the batch from the API, without the create token", async () => {
    env = await providerWithEmulator();
    const inputs = await env.checked({
      endpoint: EMBEDDINGS,
      requests: embeddingRequests(1),
      metadata: { owner: "x" },
    });
    const { id } = await env.provider.create(inputs);
    const read = await env.provider.read!(id, {} as never);
    expect(read.inputs).toEqual({
      endpoint: EMBEDDINGS,
      inputFileId: expect.stringMatching(/^file-/),
      completionWindow: "24h",
      metadata: { owner: "x" },
    });
    expect(read.props).toMatchObject({ uploadedInputFile: false, stateVersion: 1 });
  });
});

describe("update", () => {
  test("an in-place change calls no API and returns the full outputs", async () => {
    env = await providerWithEmulator();
    const inputs = await env.checked({ endpoint: EMBEDDINGS, requests: embeddingRequests(2) });
    const { id, outs } = await env.provider.create(inputs);
    env.emulator.clearCalls();
    const updated = await env.provider.update!(id, outs!, {
      ...inputs,
      pollIntervalSeconds: 7,
      cancelOnDelete: false,
    });
    expect(env.emulator.calls()).toEqual([]);
    expect(updated.outs).toEqual({ ...outs, pollIntervalSeconds: 7, cancelOnDelete: false });
  });
});

describe("delete", () => {
  test("cancels a running batch and deletes the file it uploaded", async () => {
    env = await providerWithEmulator();
    const inputs = await env.checked({ endpoint: EMBEDDINGS, requests: embeddingRequests(2) });
    const { id, outs } = await env.provider.create(inputs);
    env.emulator.clearCalls();
    await env.provider.delete!(id, outs!);
    // Then one listing of the files, for uploads of this resource that earlier attempts left.
    expect(callsOf(env)).toEqual([
      "POST /v1/batches/batch_{id}/cancel",
      "DELETE /v1/files/file-{id}",
      "GET /v1/files",
    ]);
    expect((await env.client.batches.retrieve(id)).status).toMatch(/^cancel/);
    expect(await env.batchFiles()).toEqual([]);
  });

  test("leaves a finished batch alone, and a file it did not upload", async () => {
    env = await providerWithEmulator();
    const file = await env.client.files.create({
      file: new File([serializeRequests(embeddingRequests(1))], "mine.jsonl"),
      purpose: "batch",
    });
    const inputs = await env.checked({ endpoint: EMBEDDINGS, inputFileId: file.id, waitForCompletion: true });
    const { id, outs } = await env.provider.create(inputs);
    env.emulator.clearCalls();
    await env.provider.delete!(id, outs!);
    // The files are only listed, for in-flight markers a create could not delete.
    expect(callsOf(env)).toEqual(["GET /v1/files"]);
    expect((await env.client.files.retrieve(file.id)).id).toBe(file.id);
  });

  test("with waitForCompletion, waits until the batch is cancelled", async () => {
    env = await providerWithEmulator();
    const inputs = await env.checked({ endpoint: EMBEDDINGS, requests: embeddingRequests(2) });
    const { id, outs } = await env.provider.create(inputs);
    await env.provider.delete!(id, { ...outs!, waitForCompletion: true });
    expect((await env.client.batches.retrieve(id)).status).toBe("cancelled");
  });

  test("a batch and a file that are already gone count as deleted", async () => {
    env = await providerWithEmulator();
    await env.provider.delete!("batch_gone", {
      endpoint: EMBEDDINGS,
      status: "in_progress",
      uploadedInputFile: true,
      inputFileId: "file-gone",
      stateVersion: 1,
    });
    expect(env.emulator.calls().map((c) => c.status)).toEqual([404, 404]);
  });
});

describe("progress while waiting", () => {
  let env: ProviderUnderTest;
  afterEach(async () => {
    await env?.close();
  });

  test("create writes a line per change and one at least every five minutes of an unchanged batch", async () => {
    let unstickAt = Number.POSITIVE_INFINITY;
    let batchId = "";
    env = await providerWithEmulator({
      // The batch stays in_progress for 21 minutes of the wait, then finishes.
      afterSleep: async (emulator) => {
        if (emulator.now() >= unstickAt) {
          unstickAt = Number.POSITIVE_INFINITY;
          await emulator.setBatchStatus(batchId, "in_progress", { stuck: false });
        }
      },
    });
    const inputs = await env.checked({
      endpoint: EMBEDDINGS,
      requests: embeddingRequests(3),
      resourceKey: "proj/dev/docs",
      waitForCompletion: true,
      pollIntervalSeconds: 60,
    });
    const created = await env.provider.create({ ...inputs, waitForCompletion: false });
    await env.emulator.setBatchStatus(created.id, "in_progress", { stuck: true });
    batchId = created.id;
    unstickAt = env.emulator.now() + 21 * 60_000;
    const { outs } = await env.provider.update(created.id, created.outs!, inputs);
    expect(outs).toMatchObject({ status: "completed" });

    const line = /^docs: (batch_[0-9a-f]+) (\w+)(: .*)?$/;
    expect(env.progress.length).toBeGreaterThan(0);
    for (const l of env.progress) expect(l).toMatch(line);
    expect(env.progress[0]).toMatch(new RegExp(`^docs: ${created.id} in_progress: .*expires in 23h$`));
    expect(env.progress.at(-1)).toMatch(new RegExp(`^docs: ${created.id} completed: 3/3 done$`));
    // 21 minutes of an unchanged in_progress batch: the first line, then one every 5 minutes.
    const unchanged = env.progress.filter((l) => l.includes(" in_progress"));
    expect(unchanged.length).toBeGreaterThanOrEqual(5);
    expect(unchanged.length).toBeLessThanOrEqual(6);
  });
});
