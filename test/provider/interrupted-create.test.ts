import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import type { BatchInputs } from "../../provider/contract";
import { type BatchApiError, isBatchApiError, isBatchWaitError } from "../../provider/errors";
import { isMarkerOf } from "../../provider/policy/in-flight";
import { createTokenOf } from "../../provider/runtime/create-token";
import { EMBEDDINGS, embeddingRequests, type ProviderUnderTest, providerWithEmulator } from "./harness";

/**
 * The in-flight marker rule against the emulator: a create that repeats one that never returned
 * (a killed `pulumi up`) adopts the batch that one made, whatever its status, and settles it as a
 * wait that saw it finish would; a create after one that returned (a deliberate re-run) makes a
 * new batch, whatever the status of the earlier one. Either way, no marker is left once it returns.
 */

let env: ProviderUnderTest;
let dir: string | undefined;
afterEach(async () => {
  await env?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const STATUSES = [
  "validating",
  "in_progress",
  "finalizing",
  "completed",
  "failed",
  "expired",
  "cancelling",
  "cancelled",
] as const;

async function waitingInputs(extra: Record<string, unknown> = {}): Promise<BatchInputs> {
  return env.checked({
    endpoint: EMBEDDINGS,
    requests: embeddingRequests(2),
    resourceKey: "p/s/killed",
    waitForCompletion: true,
    pollIntervalSeconds: 5,
    ...extra,
  });
}

/** Runs a create; its batch id, from the result or from the error that records the batch. */
async function createdId(inputs: BatchInputs): Promise<{ id: string; failed: boolean }> {
  try {
    return { id: (await env.provider.create(inputs)).id, failed: false };
  } catch (error) {
    if (!isBatchWaitError(error)) throw error;
    return { id: error.id, failed: true };
  }
}

/** The in-flight markers of `token` the emulator holds. */
async function markersOf(token: string | undefined): Promise<string[]> {
  return (await env.batchFiles()).filter((f) => isMarkerOf(f.filename, token ?? "")).map((f) => f.id);
}

describe("a create after one that never returned", () => {
  test.each(STATUSES)("adopts the batch that one made, %s, and leaves no marker", async (status) => {
    env = await providerWithEmulator();
    const inputs = await waitingInputs();
    const [made] = await env.interrupted(inputs);
    expect(await markersOf(createTokenOf(inputs))).toHaveLength(1);
    if (status !== "validating") await env.emulator.setBatchStatus(made!.id, status);

    const again = await createdId(inputs);
    expect(again.id).toBe(made!.id);
    // A batch that did not complete is reported as a wait that saw it end would report it.
    expect(again.failed).toBe(["failed", "expired", "cancelling", "cancelled"].includes(status));
    expect((await env.batchesOf(createTokenOf(inputs))).map((b) => b.id)).toEqual([made!.id]);
    // No second upload and no marker: only the input file the adopted batch reads.
    expect((await env.batchFiles()).map((f) => f.id)).toEqual([made!.input_file_id]);
  });

  test("a finished batch it adopts is settled: results written, the failure policy applied", async () => {
    dir = mkdtempSync(join(tmpdir(), "interrupted-create-"));
    env = await providerWithEmulator({
      cwd: dir,
      emulator: { faults: [{ kind: "request_failure", count: 1, statusCode: 400, errorCode: "invalid" }] },
    });
    const inputs = await waitingInputs({ resultsPath: "results.jsonl", maxFailedRatio: 0.75 });
    const [made] = await env.interrupted(inputs);
    await env.emulator.setBatchStatus(made!.id, "completed");
    const { id, outs } = await env.provider.create(inputs);
    expect(id).toBe(made!.id);
    expect(outs?.resultsSummary).toMatchObject({ succeeded: 1, failed: 1 });
    const records = readFileSync(join(dir, "results.jsonl"), "utf8").trim().split("\n");
    expect(records.map((line) => JSON.parse(line).status)).toEqual(["failed", "succeeded"]);
  });

  test.each(["in_progress", "expired"] as const)(
    "a follow-up that one made is adopted too, %s",
    async (status) => {
      env = await providerWithEmulator({
        emulator: {
          faults: [{ kind: "request_failure", count: 1, statusCode: 500, errorCode: "server_error" }],
        },
      });
      const inputs = await waitingInputs({ retryFailedRequests: 1 });
      const creates = () =>
        env.emulator
          .calls()
          .filter((c) => c.method === "POST" && c.path === "/v1/batches" && c.status === 200);
      // The killed up saw its batch finish with a retryable failure, made the follow-up, and died
      // waiting for it.
      const [first] = await env.interrupted(inputs, () => creates().length >= 2);
      const all = (await env.client.batches.list({ limit: 100 })).data;
      const followUp = all.find((b) => b.id !== first!.id);
      expect(all).toHaveLength(2);
      await env.emulator.setBatchStatus(followUp!.id, status);

      const { id, outs } = await env.provider.create(inputs);
      expect(id).toBe(first!.id);
      expect(outs?.attempts?.map((a) => a.batchId)).toEqual([first!.id, followUp!.id]);
      expect(outs?.attempts?.[1]?.status).toBe(status === "expired" ? "expired" : "completed");
      expect((await env.client.batches.list({ limit: 100 })).data).toHaveLength(2);
      expect(await markersOf(createTokenOf(inputs))).toEqual([]);
    },
  );

  test("a create that adopted the batch and was killed in its turn keeps the markers: the next adopts it too", async () => {
    env = await providerWithEmulator();
    const inputs = await waitingInputs();
    const [made] = await env.interrupted(inputs);
    const [adopted] = await env.interrupted(inputs);
    expect(adopted!.id).toBe(made!.id);
    expect(await markersOf(createTokenOf(inputs))).toHaveLength(2);
    expect((await createdId(inputs)).id).toBe(made!.id);
    expect((await env.batchesOf(createTokenOf(inputs))).map((b) => b.id)).toEqual([made!.id]);
    expect(await markersOf(createTokenOf(inputs))).toEqual([]);
  });

  test("once the create that adopted returns, the next create of the token is a deliberate re-run", async () => {
    env = await providerWithEmulator();
    const inputs = await waitingInputs();
    const [killed] = await env.interrupted(inputs);
    // The re-run adopts the killed create's batch and deletes both markers once it returns...
    expect((await createdId(inputs)).id).toBe(killed!.id);
    expect(await markersOf(createTokenOf(inputs))).toEqual([]);
    // ...so a later create of the same token is a deliberate re-run.
    const rerun = await createdId(inputs);
    expect(rerun.id).not.toBe(killed!.id);
    expect(await env.batchesOf(createTokenOf(inputs))).toHaveLength(2);
  });
});

describe("a create after one that returned (a deliberate re-run)", () => {
  test.each(STATUSES)("makes a new batch when the earlier one is %s", async (status) => {
    env = await providerWithEmulator();
    const inputs = await env.checked({
      endpoint: EMBEDDINGS,
      requests: embeddingRequests(2),
      resourceKey: "p/s/rerun",
    });
    const first = await env.provider.create(inputs);
    expect(await markersOf(createTokenOf(inputs))).toEqual([]);
    if (status !== "validating") await env.emulator.setBatchStatus(first.id, status);
    const second = await env.provider.create(inputs);
    expect(second.id).not.toBe(first.id);
    expect((await env.batchesOf(createTokenOf(inputs))).map((b) => b.id).sort()).toEqual(
      [first.id, second.id].sort(),
    );
    expect(await markersOf(createTokenOf(inputs))).toEqual([]);
  });
});

describe("a marker that cannot be deleted, or whose upload's outcome is unknown", () => {
  /** A file uploaded outside the provider, given as `inputFileId`. */
  async function givenFile(): Promise<string> {
    const file = await env.client.files.create({
      file: new File([`${JSON.stringify(embeddingRequests(1)[0])}\n`], "given.jsonl"),
      purpose: "batch",
    });
    return file.id;
  }

  async function failureOf(promise: Promise<unknown>): Promise<unknown> {
    return promise.then(
      () => expect.unreachable("the create succeeded"),
      (error: unknown) => error,
    );
  }

  test("after a create that succeeded: a warning, and the resource's delete removes it", async () => {
    env = await providerWithEmulator();
    const inputs = await env.checked({
      endpoint: EMBEDDINGS,
      requests: embeddingRequests(2),
      resourceKey: "p/s/m1",
    });
    // The create's only delete is its marker's: it fails, every try.
    env.emulator.setFaults([{ method: "DELETE", path: "/v1/files/*", kind: "server_error", count: 4 }]);
    const { id, outs } = await env.provider.create(inputs);
    env.emulator.setFaults([]);
    expect(env.logs.some((line) => line.includes("could not delete the in-flight marker"))).toBe(true);
    expect(await markersOf(createTokenOf(inputs))).toHaveLength(1);
    await env.provider.delete(id, outs!);
    expect(await env.batchFiles()).toEqual([]);
  });

  test("after a create that made no batch: the resource is recorded under the placeholder, whose delete removes it", async () => {
    env = await providerWithEmulator();
    const fileId = await givenFile();
    const inputs = await env.checked({ endpoint: EMBEDDINGS, inputFileId: fileId, resourceKey: "p/s/m2" });
    env.emulator.setFaults([
      { method: "POST", path: "/v1/batches", kind: "server_error", count: 4 },
      { method: "DELETE", path: "/v1/files/*", kind: "server_error", count: 4 },
    ]);
    const error = (await failureOf(env.provider.create(inputs))) as BatchApiError;
    env.emulator.setFaults([]);
    expect(isBatchApiError(error)).toBe(true);
    expect(error.id).toBe(`pending:${createTokenOf(inputs)}`);
    expect(await env.client.batches.list()).toMatchObject({ data: [] });
    expect(await markersOf(createTokenOf(inputs))).toHaveLength(1);
    await env.provider.delete(error.id!, error.properties!);
    expect((await env.batchFiles()).map((f) => f.id)).toEqual([fileId]);
  });

  test("when its upload's outcome is unknown: the resource is recorded under the placeholder, whose delete removes it", async () => {
    // After the marker's lost answer, the provider waits, then looks for the file: that fails too.
    env = await providerWithEmulator({
      afterSleep: async (emulator) =>
        emulator.setFaults([{ method: "GET", path: "/v1/files", kind: "server_error" }]),
    });
    const fileId = await givenFile();
    const inputs = await env.checked({ endpoint: EMBEDDINGS, inputFileId: fileId, resourceKey: "p/s/m3" });
    env.emulator.setFaults([{ method: "POST", path: "/v1/files", kind: "server_error_after", count: 1 }]);
    const error = (await failureOf(env.provider.create(inputs))) as BatchApiError;
    env.emulator.setFaults([]);
    expect(isBatchApiError(error)).toBe(true);
    expect(error.id).toBe(`pending:${createTokenOf(inputs)}`);
    expect(error.message).toContain("Could not upload the in-flight marker");
    expect(await markersOf(createTokenOf(inputs))).toHaveLength(1);
    await env.provider.delete(error.id!, error.properties!);
    expect((await env.batchFiles()).map((f) => f.id)).toEqual([fileId]);
  });
});
