import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import type { BatchInputs, BatchOutputs } from "../../provider/contract";
import type { FaultRule } from "../../provider/emulator";
import { type BatchWaitError, isBatchWaitError } from "../../provider/errors";
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
      .map((line) => JSON.parse(line) as { custom_id: string; line: number; status: string });
    expect(records.map((r) => [r.custom_id, r.line, r.status])).toEqual([
      ["doc-1", 1, "failed"],
      ["doc-2", 2, "succeeded"],
      ["doc-3", 3, "succeeded"],
      ["doc-4", 4, "succeeded"],
    ]);
    expect(readdirSync(dir)).toEqual(["results.jsonl"]);
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

  test("an older state without the results outputs reads, updates and deletes; setting resultsPath later writes the file", async () => {
    const { dir } = await setUp(failFirst(1));
    const first = await env.checked(waiting({}));
    const { id, outs } = await env.provider.create(first);
    const { resultsSummary: _s, attempts: _a, ...older } = outs as BatchOutputs;

    const read = await env.provider.read(id, older as BatchOutputs);
    expect(read.props).not.toHaveProperty("resultsSummary");
    const noChange = await env.provider.diff(id, older as BatchOutputs, first);
    expect(noChange.changes).toBe(false);

    const withPath = await env.checked(waiting({ resultsPath: "r.jsonl" }));
    expect((await env.provider.diff(id, older as BatchOutputs, withPath)).changes).toBe(true);
    const { outs: updated } = await env.provider.update(id, older as BatchOutputs, withPath);
    expect(updated?.resultsSummary?.succeeded).toBe(3);
    expect(readFileSync(join(dir, "r.jsonl"), "utf8").split("\n").length).toBe(5);
    await env.provider.delete(id, older as BatchOutputs);
  });

  test("a refresh keeps the results outputs", async () => {
    await setUp(failFirst(1));
    const { id, outs } = await env.provider.create(await env.checked(waiting({})));
    const read = await env.provider.read(id, outs as BatchOutputs);
    expect(read.props?.resultsSummary).toEqual(outs?.resultsSummary);
    expect(read.props?.attempts).toEqual(outs?.attempts);
  });
});
