import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import type { BatchAttempt, BatchInputs, BatchOutputs } from "../../provider/contract";
import type { FaultRule } from "../../provider/emulator";
import { type BatchWaitError, isBatchWaitError } from "../../provider/errors";
import { MAX_RETRY_ATTEMPTS } from "../../provider/results/check-arguments";
import { createTokenOf } from "../../provider/runtime/create-token";
import { answersById } from "../emulator/support/harness";
import { EMBEDDINGS, embeddingRequests, type ProviderUnderTest, providerWithEmulator } from "./harness";

let env: ProviderUnderTest;
afterEach(async () => {
  await env?.close();
});

/** A provider on an emulator whose first `failed` requests fail with a 500, in a fresh project directory. */
async function setUp(faults: FaultRule[]): Promise<{ dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "results-resource-"));
  env = await providerWithEmulator({ cwd: dir, emulator: { faults } });
  return { dir };
}

const failFirst = (count: number): FaultRule[] => [
  { kind: "request_failure", count, statusCode: 500, errorCode: "server_error" },
];

async function createExpectingFailure(inputs: BatchInputs): Promise<BatchWaitError> {
  try {
    await env.provider.create(inputs);
  } catch (error) {
    if (isBatchWaitError(error)) return error;
    throw error;
  }
  throw new RangeError("expected the create to fail");
}

const waiting = (extra: Record<string, unknown>) => ({
  endpoint: EMBEDDINGS,
  requests: embeddingRequests(4),
  waitForCompletion: true,
  resourceKey: "p/s/results",
  ...extra,
});

describe("maxFailedRatio and resultsSummary", () => {
  test("by default a batch in which no request succeeded fails the up, and stays recorded with its outputs", async () => {
    await setUp([{ kind: "request_failure", statusCode: 500, errorCode: "server_error" }]);
    const error = await createExpectingFailure(await env.checked(waiting({})));
    expect(error.properties.status).toBe("completed");
    expect(error.properties.outputFileId).toBeUndefined();
    expect(error.properties.resultsSummary).toEqual({
      succeeded: 0,
      failed: 4,
      expired: 0,
      cancelled: 0,
      missing: 0,
      errorCodes: { server_error: 4 },
    });
    expect(error.properties.attempts).toEqual([
      {
        batchId: error.id,
        status: "completed",
        inputFileId: error.properties.inputFileId,
        errorFileId: error.properties.errorFileId,
        requestCounts: { total: 4, completed: 0, failed: 4 },
        usage: error.properties.usage,
        costUsd: error.properties.costUsd,
      },
    ]);
    expect(error.message).toBe(
      `Batch ${error.id}: 4 of 4 requests did not succeed (0 succeeded, 4 failed); no request succeeded (set maxFailedRatio to choose how many may fail). Most frequent errors: server_error ×4 (e.g. doc-1: This request failed with status 500 (server_error), injected by a request_failure fault rule.). Full results: \`npx openai-batch results ${error.id}\` (or set resultsPath). The batch is recorded in the state with all its outputs; raise maxFailedRatio to accept these results, or change the input to run a new batch.`,
    );
  });

  test("partial failures pass by default and within maxFailedRatio, with the summary in the outputs", async () => {
    await setUp(failFirst(1));
    const { outs } = await env.provider.create(await env.checked(waiting({ maxFailedRatio: 0.25 })));
    expect(outs?.resultsSummary).toEqual({
      succeeded: 3,
      failed: 1,
      expired: 0,
      cancelled: 0,
      missing: 0,
      errorCodes: { server_error: 1 },
    });
    expect(outs?.resultsSha256).toBeUndefined();
  });

  test("maxFailedRatio 0 fails the up on any failure", async () => {
    await setUp(failFirst(1));
    const error = await createExpectingFailure(await env.checked(waiting({ maxFailedRatio: 0 })));
    expect(error.message).toMatch(
      /^Batch \S+: 1 of 4 requests did not succeed \(3 succeeded, 1 failed\); that is 25%, more than maxFailedRatio 0 allows\./,
    );
    expect(error.properties.resultsSummary?.succeeded).toBe(3);
  });

  test("an update that lowers maxFailedRatio under the share fails, with examples read back from resultsPath", async () => {
    await setUp(failFirst(2));
    const inputs = await env.checked(waiting({ resultsPath: "r.jsonl", maxFailedRatio: 0.5 }));
    const { id, outs } = await env.provider.create(inputs);
    expect(outs?.resultsSummary).toMatchObject({ succeeded: 2, failed: 2 });
    env.emulator.clearCalls();
    const lowered = await env.checked(waiting({ resultsPath: "r.jsonl", maxFailedRatio: 0.25 }));
    const error = await env.provider.update(id, outs as BatchOutputs, lowered).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(isBatchWaitError(error)).toBe(true);
    // The first request of each error code is its example; the results are not read again.
    expect((error as Error).message).toMatch(
      / Most frequent errors: server_error ×2 \(e\.g\. doc-1: This request failed with status 500 \(server_error\)[^.]*\.\)\. /,
    );
    expect((error as Error).message).toContain("Full results: r.jsonl.");
    const downloads = env.emulator.calls().filter((call) => call.path.endsWith("/content"));
    expect(downloads).toEqual([]);
  });

  test("the share is unsuccessful over all requests: 2 of 4 exceeds 0.4", async () => {
    await setUp(failFirst(2));
    const error = await createExpectingFailure(await env.checked(waiting({ maxFailedRatio: 0.4 })));
    expect(error.message).toContain("2 of 4 requests did not succeed");
  });
});

describe("resultsPath", () => {
  test("the up that sees the batch finish writes the joined records atomically, with their sha256", async () => {
    const { dir } = await setUp(failFirst(1));
    const { outs } = await env.provider.create(
      await env.checked(waiting({ resultsPath: "out/../results.jsonl" })),
    );
    const written = readFileSync(join(dir, "results.jsonl"));
    expect(createHash("sha256").update(written).digest("hex")).toBe(outs?.resultsSha256);
    const records = written
      .toString()
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { custom_id: string; line: number; status: string; body?: unknown });
    expect(records.map((r) => [r.custom_id, r.line, r.status])).toEqual([
      ["doc-1", 1, "failed"],
      ["doc-2", 2, "succeeded"],
      ["doc-3", 3, "succeeded"],
      ["doc-4", 4, "succeeded"],
    ]);
    // Each record carries its own request's answer, wherever the output file put it.
    const answers = await answersById(env.client, outs?.outputFileId as string);
    for (const record of records.slice(1)) expect(record.body).toEqual(answers.get(record.custom_id));
    // No temporary file is left beside the results (the token-count cache of preview has its own folder).
    expect(readdirSync(dir).filter((name) => name !== ".pulumi-openai-batch")).toEqual(["results.jsonl"]);
  });

  test("a missing or changed file makes diff plan an in-place update that writes it again, with no new batch", async () => {
    const { dir } = await setUp(failFirst(1));
    const inputs = await env.checked(waiting({ resultsPath: "results.jsonl" }));
    const { id, outs } = await env.provider.create(inputs);
    const state = outs as BatchOutputs;
    const original = readFileSync(join(dir, "results.jsonl"));
    expect(await env.provider.diff(id, state, inputs)).toMatchObject({ changes: false });

    rmSync(join(dir, "results.jsonl"));
    expect(await env.provider.diff(id, state, inputs)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    const batchesBefore = (await env.client.batches.list()).data.length;
    const { outs: updated } = await env.provider.update(id, state, inputs);
    expect(readFileSync(join(dir, "results.jsonl")).equals(original)).toBe(true);
    expect(updated?.resultsSha256).toBe(state.resultsSha256);
    expect((await env.client.batches.list()).data.length).toBe(batchesBefore);

    writeFileSync(join(dir, "results.jsonl"), "edited\n");
    expect(await env.provider.diff(id, state, inputs)).toMatchObject({ changes: true, replaces: [] });
    await env.provider.update(id, state, inputs);
    expect(readFileSync(join(dir, "results.jsonl")).equals(original)).toBe(true);
  });

  test("a join that fails part-way (the output download cut off for good) leaves resultsPath as it was", async () => {
    const { dir } = await setUp(failFirst(1));
    const inputs = await env.checked({
      ...waiting({ resultsPath: "results.jsonl" }),
      requests: embeddingRequests(24),
    });
    const { id, outs } = await env.provider.create(inputs);
    const state = outs as BatchOutputs;
    const outputFileId = state.outputFileId as string;
    const outputBytes = (await env.client.files.retrieve(outputFileId)).bytes;
    const older = "the results file as the user left it\n";
    writeFileSync(join(dir, "results.jsonl"), older);

    // Every download of the output file now stops half-way, and resuming brings no new byte.
    env.emulator.setFaults([
      { kind: "ignore_range" },
      {
        kind: "cut_download",
        path: `/v1/files/${outputFileId}/content`,
        afterBytes: Math.floor(outputBytes / 2),
      },
    ]);
    const failure = await env.provider.update(id, state, inputs).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isBatchWaitError(failure)).toBe(true);
    expect((failure as Error).message).toContain(
      `Could not read the results of batch ${id}: Could not download file ${outputFileId}: the download was cut off after ${Math.floor(outputBytes / 2)} of ${outputBytes} bytes`,
    );
    expect(readFileSync(join(dir, "results.jsonl"), "utf8")).toBe(older);
    expect(readdirSync(dir).filter((name) => name !== ".pulumi-openai-batch")).toEqual(["results.jsonl"]);

    // Once downloads work again, the next update writes the whole file.
    env.emulator.setFaults([]);
    const { outs: updated } = await env.provider.update(id, state, inputs);
    const written = readFileSync(join(dir, "results.jsonl"));
    expect(createHash("sha256").update(written).digest("hex")).toBe(updated?.resultsSha256);
    expect(written.toString().trim().split("\n")).toHaveLength(24);
  });

  test("an older state without the results outputs reads, updates and deletes; setting resultsPath later writes the file", async () => {
    const { dir } = await setUp(failFirst(1));
    const first = await env.checked(waiting({ maxFailedRatio: 0.5 }));
    const { id, outs } = await env.provider.create(first);
    const { resultsSummary: _s, attempts: _a, ...older } = outs as BatchOutputs;

    const read = await env.provider.read(id, older as BatchOutputs);
    expect(read.props).not.toHaveProperty("resultsSummary");
    const noChange = await env.provider.diff(id, older as BatchOutputs, first);
    expect(noChange.changes).toBe(false);

    const withPath = await env.checked(waiting({ maxFailedRatio: 0.5, resultsPath: "r.jsonl" }));
    expect((await env.provider.diff(id, older as BatchOutputs, withPath)).changes).toBe(true);
    const { outs: updated } = await env.provider.update(id, older as BatchOutputs, withPath);
    expect(updated?.resultsSummary?.succeeded).toBe(3);
    expect(readFileSync(join(dir, "r.jsonl"), "utf8").split("\n").length).toBe(5);
    await env.provider.delete(id, older as BatchOutputs);
  });

  test("a resource that neither waits nor sets a results argument never downloads its results", async () => {
    await setUp([{ kind: "request_failure", statusCode: 500 }]);
    const inputs = await env.checked({ ...waiting({}), waitForCompletion: false });
    const { id, outs } = await env.provider.create(inputs);
    await env.emulator.advance(60_000);
    const read = await env.provider.read(id, outs as BatchOutputs);
    expect(read.props?.status).toBe("completed");
    env.emulator.clearCalls();
    const { outs: updated } = await env.provider.update(id, read.props as BatchOutputs, {
      ...inputs,
      pollIntervalSeconds: 5,
    });
    expect(updated?.resultsSummary).toBeUndefined();
    expect(env.emulator.calls()).toEqual([]);
    const failing = await env.provider
      .update(id, read.props as BatchOutputs, { ...inputs, maxFailedRatio: 0.5 })
      .catch((error: unknown) => error);
    expect(isBatchWaitError(failing) && failing.properties.resultsSummary?.failed).toBe(4);
  });

  test("a waiting resource without results arguments gets its summary from the counts and the error file, never the output file", async () => {
    await setUp(failFirst(1));
    const { outs } = await env.provider.create(await env.checked(waiting({})));
    expect(outs?.status).toBe("completed");
    expect(outs?.resultsSummary).toEqual({
      succeeded: 3,
      failed: 1,
      expired: 0,
      cancelled: 0,
      missing: 0,
      errorCodes: { server_error: 1 },
    });
    expect(outs?.attempts).toBeUndefined();
    // Reads only (the create's in-flight marker is deleted at its end).
    const fileCalls = env.emulator
      .calls()
      .filter((call) => call.method === "GET" && call.path.startsWith("/v1/files/"));
    expect(fileCalls.map((call) => call.path)).toEqual([
      `/v1/files/${outs?.errorFileId}`,
      `/v1/files/${outs?.errorFileId}/content`,
    ]);
  });

  test("without failures the summary downloads nothing", async () => {
    await setUp([]);
    const { outs } = await env.provider.create(await env.checked(waiting({})));
    expect(outs?.resultsSummary).toMatchObject({ succeeded: 4, failed: 0, missing: 0, errorCodes: {} });
    expect(
      env.emulator.calls().filter((call) => call.method === "GET" && call.path.startsWith("/v1/files/")),
    ).toEqual([]);
  });

  test("a wait that sees the batch expire counts the requests it never ran as expired", async () => {
    await setUp([]);
    const inputs = await env.checked({ ...waiting({}), waitForCompletion: false });
    const { id, outs } = await env.provider.create(inputs);
    await env.emulator.setBatchStatus(id, "in_progress", { stuck: true });
    await env.emulator.advance(86_400_000);
    const error = await env.provider.update(id, outs as BatchOutputs, await env.checked(waiting({}))).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isBatchWaitError(error)).toBe(true);
    const properties = (error as BatchWaitError).properties;
    expect(properties.status).toBe("expired");
    expect(properties.resultsSummary).toEqual({
      succeeded: 0,
      failed: 0,
      expired: 4,
      cancelled: 0,
      missing: 0,
      errorCodes: { batch_expired: 4 },
    });
    expect((error as Error).message).toContain(
      "Results: 4 requests: 0 succeeded, 4 expired (batch_expired 4)",
    );
  });

  test("a refresh keeps the results outputs", async () => {
    await setUp(failFirst(1));
    const { id, outs } = await env.provider.create(await env.checked(waiting({ maxFailedRatio: 0.5 })));
    expect(outs?.resultsSummary?.succeeded).toBe(3);
    const read = await env.provider.read(id, outs as BatchOutputs);
    expect(read.props?.resultsSummary).toEqual(outs?.resultsSummary);
    expect(read.props?.attempts).toEqual(outs?.attempts);
  });
});

describe("retryFailedRequests", () => {
  const inputOf = async (fileId: string) =>
    (await (await env.client.files.content(fileId)).text()).trim().split("\n");

  test("resubmits exactly the retryable failures in one follow-up batch; each request takes its last attempt", async () => {
    const { dir } = await setUp(failFirst(2));
    const requests = embeddingRequests(4);
    const inputs = await env.checked(waiting({ retryFailedRequests: 1, resultsPath: "r.jsonl" }));
    const { id, outs } = await env.provider.create(inputs);
    const attempts = outs?.attempts ?? [];
    expect(attempts.map((a) => [a.batchId === id, a.status, a.requestCounts])).toEqual([
      [true, "completed", { total: 4, completed: 2, failed: 2 }],
      [false, "completed", { total: 2, completed: 2, failed: 0 }],
    ]);
    expect(await inputOf(attempts[1]!.inputFileId)).toEqual(
      requests.slice(0, 2).map((r) => JSON.stringify(r)),
    );
    const followUp = await env.client.batches.retrieve(attempts[1]!.batchId);
    expect(followUp.metadata).toEqual({
      pulumi_openai_batch_token: `${createTokenOf(inputs)}.${id.slice(-12)}-retry-1`,
    });
    expect(outs?.resultsSummary).toMatchObject({ succeeded: 4, failed: 0, errorCodes: {} });
    const records = readFileSync(join(dir, "r.jsonl"), "utf8").trim().split("\n");
    expect(records.map((line) => JSON.parse(line).status)).toEqual([
      "succeeded",
      "succeeded",
      "succeeded",
      "succeeded",
    ]);
    expect((await env.client.batches.list()).data).toHaveLength(2);
    expect(env.logs).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          `resubmitted 2 failed requests of batch ${id} in follow-up batch ${attempts[1]!.batchId}`,
        ),
        expect.stringContaining(`wrote the results of batch ${id} to r.jsonl`),
      ]),
    );
  });

  test("a follow-up of an input file resubmits that file's failed lines, byte for byte", async () => {
    const { dir } = await setUp(failFirst(2));
    // Spacing of its own, which a re-serialisation of the requests would lose.
    const lines = embeddingRequests(4).map((r) => JSON.stringify(r, null, 0).replace(":", ": "));
    writeFileSync(join(dir, "in.jsonl"), `${lines.join("\n")}\n`);
    const inputs = await env.checked({
      endpoint: EMBEDDINGS,
      inputFile: "in.jsonl",
      waitForCompletion: true,
      retryFailedRequests: 1,
      resourceKey: "p/s/results",
    });
    const { outs } = await env.provider.create(inputs);
    const attempts = outs?.attempts ?? [];
    expect(attempts.map((a) => a.status)).toEqual(["completed", "completed"]);
    expect(await inputOf(attempts[1]!.inputFileId)).toEqual(lines.slice(0, 2));
    expect(outs?.resultsSummary).toMatchObject({ succeeded: 4, failed: 0 });
  });

  test("stops after retryFailedRequests follow-ups, and never resubmits a request the endpoint refused", async () => {
    await setUp([
      { kind: "request_failure", count: 1, statusCode: 400, errorCode: "invalid_request" },
      { kind: "request_failure", count: 9, statusCode: 503, errorCode: "server_error" },
    ]);
    const { outs } = await env.provider.create(
      await env.checked(waiting({ retryFailedRequests: 2, maxFailedRatio: 1 })),
    );
    // doc-1 is refused (400) and never resubmitted; doc-2..4 fail with 503 in every attempt.
    const attempts = outs?.attempts ?? [];
    expect(attempts.map((a) => a.requestCounts?.total)).toEqual([4, 3, 3]);
    expect(outs?.resultsSummary).toMatchObject({ succeeded: 0, failed: 4 });
  });

  test("an expired batch's expired requests are resubmitted, and the up passes when the follow-up completes", async () => {
    await setUp([]);
    const inputs = await env.checked({ ...waiting({}), waitForCompletion: false });
    const { id, outs } = await env.provider.create(inputs);
    await env.emulator.setBatchStatus(id, "in_progress", { stuck: true });
    await env.emulator.advance(86_400_000);
    const read = await env.provider.read(id, outs as BatchOutputs);
    expect(read.props?.status).toBe("expired");
    const news = await env.checked(waiting({ retryFailedRequests: 1 }));
    const { outs: updated } = await env.provider.update(id, read.props as BatchOutputs, news);
    expect(updated?.attempts?.map((a) => [a.status, a.requestCounts?.total])).toEqual([
      ["expired", 4],
      ["completed", 4],
    ]);
    expect(updated?.resultsSummary).toMatchObject({ succeeded: 4, expired: 0 });
  });

  test("a follow-up that expired gives its requests its status, and only those: the others keep the first batch's", async () => {
    await setUp(failFirst(2));
    const inputs = await env.checked(waiting({ maxFailedRatio: 1 }));
    const { id, outs } = await env.provider.create(inputs);
    expect(outs?.resultsSummary).toMatchObject({ succeeded: 2, failed: 2 });
    // A follow-up of the two failed requests, which expired before it ran any.
    const file = await env.client.files.create({
      file: new File(
        [
          embeddingRequests(2)
            .map((r) => `${JSON.stringify(r)}\n`)
            .join(""),
        ],
        "follow-up.jsonl",
      ),
      purpose: "batch",
    });
    const followUp = await env.client.batches.create({
      input_file_id: file.id,
      endpoint: EMBEDDINGS,
      completion_window: "24h",
    });
    await env.emulator.setBatchStatus(followUp.id, "in_progress", { stuck: true });
    await env.emulator.advance(86_400_000);
    const { resultsSummary: _s, ...state } = outs as BatchOutputs;
    const news = await env.checked(waiting({ maxFailedRatio: 1, retryFailedRequests: 1 }));
    const { outs: updated } = await env.provider.update(
      id,
      {
        ...state,
        retryFailedRequests: 1,
        attempts: [
          ...(state.attempts ?? [
            { batchId: id, status: "completed", inputFileId: state.inputFileId as string },
          ]),
          { batchId: followUp.id, status: "expired", inputFileId: file.id },
        ],
      },
      news,
    );
    expect(updated?.attempts?.map((a) => a.status)).toEqual(["completed", "expired"]);
    expect(updated?.resultsSummary).toMatchObject({ succeeded: 2, failed: 0, expired: 2 });
  });

  test("a follow-up an interrupted up already made is taken, never made twice", async () => {
    await setUp(failFirst(2));
    const inputs = await env.checked(waiting({ retryFailedRequests: 1 }));
    const { id, outs } = await env.provider.create(inputs);
    const followUpId = outs?.attempts?.[1]?.batchId;
    // The state the interrupted up left: the first batch finished, no follow-up recorded.
    const { attempts: _a, resultsSummary: _s, ...interrupted } = outs as BatchOutputs;
    const { outs: again } = await env.provider.update(id, interrupted as BatchOutputs, inputs);
    expect(again?.attempts?.map((a) => a.batchId)).toEqual([id, followUpId]);
    expect((await env.client.batches.list()).data).toHaveLength(2);
    expect(env.logs).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`follow-up batch ${followUpId} was created by an earlier attempt; taking it`),
      ]),
    );
  });

  test("the first batch and its follow-ups share one waitTimeoutSeconds; the next up resumes the follow-up and makes no other", async () => {
    // Each batch runs for about 30 s of the emulator's clock; the wait may last 45 s in all.
    const dir = mkdtempSync(join(tmpdir(), "results-resource-"));
    env = await providerWithEmulator({
      cwd: dir,
      emulator: { faults: failFirst(2), durations: { inProgressMs: 30_000 } },
    });
    const inputs = await env.checked(
      waiting({ retryFailedRequests: 1, waitTimeoutSeconds: 45, pollIntervalSeconds: 5 }),
    );
    const startedAt = env.emulator.now();
    const error = await createExpectingFailure(inputs);
    expect(env.emulator.now() - startedAt).toBeLessThanOrEqual(45_000);
    const attempts = error.properties.attempts ?? [];
    expect(attempts.map((a) => [a.batchId === error.id, a.status])).toEqual([
      [true, "completed"],
      [false, "in_progress"],
    ]);
    expect(error.message).toBe(
      `Follow-up batch ${attempts[1]!.batchId} (attempt 2 of batch ${error.id}) is still in_progress after 45 s of waitTimeoutSeconds, which bounds the whole wait: the first batch and its follow-ups together. It keeps running, and it is recorded in the state with the attempts so far: the next \`pulumi up\` resumes waiting for this follow-up, without making another. Raise waitTimeoutSeconds, or set waitForCompletion to false to stop waiting.`,
    );

    const { outs } = await env.provider.update(error.id, error.properties, inputs);
    expect(outs?.attempts?.map((a) => [a.batchId, a.status])).toEqual([
      [error.id, "completed"],
      [attempts[1]!.batchId, "completed"],
    ]);
    expect(outs?.resultsSummary).toMatchObject({ succeeded: 4, failed: 0 });
    expect((await env.client.batches.list()).data).toHaveLength(2);
  });

  test("after a refresh while the follow-up runs, a waiting resource still plans the update that resumes the wait", async () => {
    const dir = mkdtempSync(join(tmpdir(), "results-resource-"));
    env = await providerWithEmulator({
      cwd: dir,
      emulator: { faults: failFirst(2), durations: { inProgressMs: 30_000 } },
    });
    const inputs = await env.checked(
      waiting({ retryFailedRequests: 1, waitTimeoutSeconds: 45, pollIntervalSeconds: 5 }),
    );
    const error = await createExpectingFailure(inputs);
    const followUp = error.properties.attempts?.[1] as BatchAttempt;
    const refreshed = (await env.provider.read(error.id, error.properties)).props as BatchOutputs;
    expect(refreshed.attempts?.map((a) => [a.batchId, a.status])).toEqual([
      [error.id, "completed"],
      [followUp.batchId, "in_progress"],
    ]);
    expect(await env.provider.diff(error.id, refreshed, inputs)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    const { outs } = await env.provider.update(error.id, refreshed, inputs);
    expect(outs?.attempts?.map((a) => [a.batchId, a.status])).toEqual([
      [error.id, "completed"],
      [followUp.batchId, "completed"],
    ]);
    expect(outs?.resultsSummary).toMatchObject({ succeeded: 4, failed: 0 });
    expect(await env.provider.diff(error.id, outs as BatchOutputs, inputs)).toMatchObject({ changes: false });
  });

  test("without waitForCompletion, the up after a refresh makes the follow-up, and the up after the next refresh settles the results", async () => {
    const { dir } = await setUp(failFirst(2));
    const inputs = await env.checked({
      ...waiting({ retryFailedRequests: 1, resultsPath: "r.jsonl" }),
      waitForCompletion: false,
    });
    const { id, outs } = await env.provider.create(inputs);
    expect(outs?.status).toBe("validating");
    expect(await env.provider.diff(id, outs as BatchOutputs, inputs)).toMatchObject({ changes: false });

    // The batch finishes; a refresh sees it, and the next up has follow-up work.
    await env.emulator.advance(60_000);
    const first = (await env.provider.read(id, outs as BatchOutputs)).props as BatchOutputs;
    expect(first.status).toBe("completed");
    expect(await env.provider.diff(id, first, inputs)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    const { outs: submitted } = await env.provider.update(id, first, inputs);
    const followUp = submitted?.attempts?.[1];
    expect(submitted?.attempts?.map((a) => a.status)).toEqual(["completed", "validating"]);
    expect(await inputOf(followUp!.inputFileId)).toEqual(
      embeddingRequests(4)
        .slice(0, 2)
        .map((r) => JSON.stringify(r)),
    );
    // While it runs, nothing is settled, written or planned.
    expect(submitted?.resultsSummary).toBeUndefined();
    expect(existsSync(join(dir, "r.jsonl"))).toBe(false);
    expect(await env.provider.diff(id, submitted as BatchOutputs, inputs)).toMatchObject({ changes: false });

    // The follow-up finishes; the next refresh sees it, and the next up settles the results.
    await env.emulator.advance(60_000);
    const refreshed = (await env.provider.read(id, submitted as BatchOutputs)).props as BatchOutputs;
    expect(refreshed.attempts?.map((a) => [a.batchId, a.status])).toEqual([
      [id, "completed"],
      [followUp!.batchId, "completed"],
    ]);
    expect((await env.provider.diff(id, refreshed, inputs)).changes).toBe(true);
    const { outs: settled } = await env.provider.update(id, refreshed, inputs);
    expect(settled?.resultsSummary).toMatchObject({ succeeded: 4, failed: 0 });
    expect(readFileSync(join(dir, "r.jsonl"), "utf8").trim().split("\n")).toHaveLength(4);
    expect(await env.provider.diff(id, settled as BatchOutputs, inputs)).toMatchObject({ changes: false });
    expect((await env.client.batches.list()).data).toHaveLength(2);
  });

  test("without waitForCompletion or resultsPath, a refreshed finished batch with retries due plans an update", async () => {
    await setUp(failFirst(2));
    const inputs = await env.checked({ ...waiting({ retryFailedRequests: 1 }), waitForCompletion: false });
    const { id, outs } = await env.provider.create(inputs);
    await env.emulator.advance(60_000);
    const first = (await env.provider.read(id, outs as BatchOutputs)).props as BatchOutputs;
    expect((await env.provider.diff(id, first, inputs)).changes).toBe(true);
    const { outs: submitted } = await env.provider.update(id, first, inputs);
    expect(submitted?.attempts).toHaveLength(2);
  });

  test("delete cancels every live attempt", async () => {
    await setUp([]);
    const inputs = await env.checked(waiting({ retryFailedRequests: 1 }));
    const { id, outs } = await env.provider.create(inputs);
    const live = await env.client.batches.create({
      input_file_id: (outs as BatchOutputs).inputFileId as string,
      endpoint: EMBEDDINGS,
      completion_window: "24h",
    });
    const state: BatchOutputs = {
      ...(outs as BatchOutputs),
      attempts: [
        ...((outs as BatchOutputs).attempts ?? []),
        { batchId: live.id, status: "in_progress", inputFileId: live.input_file_id },
      ],
    };
    await env.provider.delete(id, state);
    // A resource that waits for completion waits for the cancel to be done.
    expect((await env.client.batches.retrieve(live.id)).status).toBe("cancelled");
    expect(env.logs).toEqual(
      expect.arrayContaining([expect.stringContaining(`follow-up batch ${live.id} is cancelling`)]),
    );
  });

  test("delete of a follow-up the state records as running but that has finished cancels nothing and deletes its input file", async () => {
    await setUp(failFirst(2));
    const inputs = await env.checked(waiting({ retryFailedRequests: 1 }));
    const { id, outs } = await env.provider.create(inputs);
    const state = outs as BatchOutputs;
    const [first, followUp] = state.attempts as BatchAttempt[];
    await env.provider.delete(id, {
      ...state,
      attempts: [first as BatchAttempt, { ...(followUp as BatchAttempt), status: "in_progress" }],
    });
    expect((await env.client.batches.retrieve(followUp!.batchId)).status).toBe("completed");
    expect(await env.batchFiles()).toEqual([]);
    expect(env.logs).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`follow-up batch ${followUp!.batchId} is finished or gone`),
        expect.stringContaining(
          `deleted ${followUp!.inputFileId}, the input file of follow-up batch ${followUp!.batchId}`,
        ),
      ]),
    );
  });

  test("delete removes the follow-ups' input files, also one the state did not record, and keeps none behind", async () => {
    await setUp(failFirst(2));
    const inputs = await env.checked(waiting({ retryFailedRequests: 1 }));
    const { id, outs } = await env.provider.create(inputs);
    const state = outs as BatchOutputs;
    expect(state.attempts).toHaveLength(2);
    // An up interrupted after the upload of a second follow-up's input, before its create.
    const stray = await env.client.files.create({
      file: new File(
        ["{}\n"],
        `retry.${`${createTokenOf(inputs)}.${id.slice(-12)}-retry-${MAX_RETRY_ATTEMPTS}`.slice(-24)}.jsonl`,
      ),
      purpose: "batch",
    });
    // The same, by a version whose follow-up tokens did not name the first batch.
    const olderStray = await env.client.files.create({
      file: new File(["{}\n"], `retry.${`${createTokenOf(inputs)}-retry-2`.slice(-24)}.jsonl`),
      purpose: "batch",
    });
    const unrelated = await env.client.files.create({
      file: new File(["{}\n"], "mine.jsonl"),
      purpose: "batch",
    });
    expect(await env.batchFiles()).toHaveLength(5);
    env.emulator.clearCalls();
    await env.provider.delete(id, state);
    // The follow-ups' clean-up and the batch's own share one listing of the files.
    const listings = env.emulator
      .calls()
      .filter((call) => call.method === "GET" && call.path === "/v1/files");
    expect(listings).toHaveLength(1);
    expect((await env.batchFiles()).map((file) => file.id)).toEqual([unrelated.id]);
    expect(new Set([stray.id, olderStray.id, unrelated.id]).size).toBe(3);
    expect(env.logs).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          `deleted ${stray.filename} (${stray.id}), the input file of a follow-up the state did not record`,
        ),
      ]),
    );
  });

  test("delete removes a recorded follow-up's input file after retryFailedRequests went back to 0", async () => {
    await setUp(failFirst(2));
    const { id, outs } = await env.provider.create(await env.checked(waiting({ retryFailedRequests: 1 })));
    const state = outs as BatchOutputs;
    expect(state.attempts).toHaveLength(2);
    await env.provider.delete(id, { ...state, retryFailedRequests: 0 });
    expect(await env.batchFiles()).toEqual([]);
  });

  test("with deleteInputFileOnDelete false, delete keeps the follow-ups' input files", async () => {
    await setUp(failFirst(2));
    const inputs = await env.checked(waiting({ retryFailedRequests: 1, deleteInputFileOnDelete: false }));
    const { id, outs } = await env.provider.create(inputs);
    const state = outs as BatchOutputs;
    await env.provider.delete(id, state);
    expect((await env.batchFiles()).map((file) => file.id).sort()).toEqual(
      (state.attempts ?? []).map((attempt) => attempt.inputFileId).sort(),
    );
  });

  test("with cancelOnDelete false, a follow-up the state records as running but that has finished loses its input file", async () => {
    await setUp(failFirst(2));
    const inputs = await env.checked(waiting({ retryFailedRequests: 1, cancelOnDelete: false }));
    const { id, outs } = await env.provider.create(inputs);
    const state = outs as BatchOutputs;
    const [first, followUp] = state.attempts as BatchAttempt[];
    expect(followUp?.status).toBe("completed");
    // The state of an up that recorded the follow-up while it ran; it finished since.
    await env.provider.delete(id, {
      ...state,
      attempts: [first as BatchAttempt, { ...(followUp as BatchAttempt), status: "in_progress" }],
    });
    expect(await env.batchFiles()).toEqual([]);
  });

  test("delete leaves an upload under an older follow-up name that a batch reads, since a replacement may own it", async () => {
    await setUp([]);
    const inputs = await env.checked(waiting({ retryFailedRequests: 1 }));
    const { id, outs } = await env.provider.create(inputs);
    const token = `${createTokenOf(inputs)}-retry-1`;
    const file = await env.client.files.create({
      file: new File([`${JSON.stringify(embeddingRequests(1)[0])}\n`], `retry.${token.slice(-24)}.jsonl`),
      purpose: "batch",
    });
    const live = await env.client.batches.create({
      input_file_id: file.id,
      endpoint: EMBEDDINGS,
      completion_window: "24h",
      metadata: { pulumi_openai_batch_token: token },
    });
    await env.emulator.setBatchStatus(live.id, "in_progress", { stuck: true });
    await env.provider.delete(id, outs as BatchOutputs);
    expect((await env.client.batches.retrieve(live.id)).status).toBe("in_progress");
    expect((await env.batchFiles()).map((f) => f.id)).toEqual([file.id]);
    expect(env.logs).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          `kept ${file.filename} (${file.id}): batch ${live.id} reads it, and it may be a replacement's follow-up`,
        ),
      ]),
    );
  });

  test("with cancelOnDelete false, a follow-up that may still run keeps running and keeps its input file", async () => {
    await setUp(failFirst(2));
    const inputs = await env.checked(waiting({ retryFailedRequests: 1, cancelOnDelete: false }));
    const { id, outs } = await env.provider.create(inputs);
    const state = outs as BatchOutputs;
    const finished = state.attempts?.[1] as BatchAttempt;
    const file = await env.client.files.create({
      file: new File([`${JSON.stringify(embeddingRequests(1)[0])}\n`], "follow-up.jsonl"),
      purpose: "batch",
    });
    const live = await env.client.batches.create({
      input_file_id: file.id,
      endpoint: EMBEDDINGS,
      completion_window: "24h",
    });
    await env.emulator.setBatchStatus(live.id, "in_progress", { stuck: true });
    await env.provider.delete(id, {
      ...state,
      attempts: [
        ...(state.attempts ?? []),
        { batchId: live.id, status: "in_progress", inputFileId: file.id },
      ],
    });
    expect((await env.client.batches.retrieve(live.id)).status).toBe("in_progress");
    expect((await env.batchFiles()).map((f) => f.id)).toEqual([file.id]);
    expect(finished.status).toBe("completed");
    expect(env.logs).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          `follow-up batch ${live.id} may still be running (cancelOnDelete is false), so its input file is kept`,
        ),
      ]),
    );
  });
});

describe("a replacement that keeps the create token", () => {
  /** A resource whose first batch expired without running a request, as a replaced one may be. */
  async function expiredOld(extra: Record<string, unknown> = {}) {
    const inputs = await env.checked({
      ...waiting({ retryFailedRequests: 1, ...extra }),
      waitForCompletion: false,
    });
    const { id, outs } = await env.provider.create(inputs);
    await env.emulator.setBatchStatus(id, "in_progress", { stuck: true });
    await env.emulator.advance(86_400_000);
    const read = (await env.provider.read(id, outs as BatchOutputs)).props as BatchOutputs;
    expect(read.status).toBe("expired");
    return { id, inputs, state: read };
  }

  test("never takes the replaced resource's follow-up as its own", async () => {
    await setUp(failFirst(2));
    const old = await expiredOld();
    const { outs: oldOuts } = await env.provider.update(old.id, old.state, old.inputs);
    const oldFollowUp = oldOuts?.attempts?.[1] as BatchAttempt;
    await env.emulator.setBatchStatus(oldFollowUp.batchId, "in_progress", { stuck: true });

    const inputs = await env.checked(waiting({ retryFailedRequests: 1, waitTimeoutSeconds: 600 }));
    expect(createTokenOf(inputs)).toBe(createTokenOf(old.inputs));
    const { id, outs } = await env.provider.create(inputs);
    expect(id).not.toBe(old.id);
    const attempts = outs?.attempts ?? [];
    expect(attempts.map((a) => [a.batchId === oldFollowUp.batchId, a.status])).toEqual([
      [false, "completed"],
      [false, "completed"],
    ]);
    expect(outs?.resultsSummary).toMatchObject({ succeeded: 4, failed: 0 });
  });

  test("deleting the replaced resource leaves the replacement's running follow-up and its input file alone", async () => {
    const dir = mkdtempSync(join(tmpdir(), "results-resource-"));
    env = await providerWithEmulator({
      cwd: dir,
      emulator: { faults: failFirst(2), durations: { inProgressMs: 30_000 } },
    });
    const old = await expiredOld();
    const inputs = await env.checked(
      waiting({ retryFailedRequests: 1, waitTimeoutSeconds: 45, pollIntervalSeconds: 5 }),
    );
    expect(createTokenOf(inputs)).toBe(createTokenOf(old.inputs));
    const error = await createExpectingFailure(inputs);
    const followUp = error.properties.attempts?.[1] as BatchAttempt;
    expect(followUp.status).toBe("in_progress");

    await env.provider.delete(old.id, old.state);
    expect((await env.client.batches.retrieve(followUp.batchId)).status).toBe("in_progress");
    expect((await env.batchFiles()).map((file) => file.id)).toContain(followUp.inputFileId);

    const { outs } = await env.provider.update(error.id, error.properties, inputs);
    expect(outs?.attempts?.map((a) => [a.batchId, a.status])).toEqual([
      [error.id, "completed"],
      [followUp.batchId, "completed"],
    ]);
    expect(outs?.resultsSummary).toMatchObject({ succeeded: 4, failed: 0 });
  });
});
