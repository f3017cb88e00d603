/**
 * Up, replace and destroy on the real engine while the emulator fails calls at a steady rate
 * (429, 500, and 500 after doing the work), with fixed seeds so that a run repeats: everything
 * still succeeds, with no duplicate batch and no orphaned file.
 */

import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { FaultRule } from "../../provider/emulator";
import {
  type BatchSpec,
  batchProgram,
  batchResource,
  describeCall,
  describeCalls,
  mutating,
  OP_TIMEOUT,
  outputValues,
  SETUP_TIMEOUT,
  setSpec,
  TestEmulator,
} from "./support/batches";
import { describeWithEngine } from "./support/engine";
import { createWorkspace, type E2eStack, type E2eWorkspace, userChanges } from "./support/workspace";

const PROJECT = "e2e-faults";
const LIVE = new Set(["validating", "in_progress", "finalizing", "cancelling"]);

/**
 * Every /v1 call fails about three times in ten: each kind of failure at a rate of 0.1, from its
 * own seeded PRNG, so a run repeats (the seeds make the first calls of every operation meet each
 * kind). On top, the first upload and the first batch create are carried out and then answered
 * 500, so that every create goes through the provider's look-up of a call whose answer was lost.
 */
const FAULTS: FaultRule[] = [
  { method: "POST", path: "/v1/files", kind: "server_error_after", count: 1 },
  { method: "POST", path: "/v1/batches", kind: "server_error_after", count: 1 },
  { kind: "rate_limit", rate: 0.1, seed: 26, retryAfterSeconds: 1 },
  { kind: "server_error", rate: 0.1, seed: 126 },
  { kind: "server_error_after", rate: 0.1, seed: 226 },
];

describeWithEngine("batches under injected API faults", () => {
  let emulator: TestEmulator;
  let ws: E2eWorkspace;
  let stack: E2eStack;
  const spec: BatchSpec = { waitForCompletion: true, pollIntervalSeconds: 1, metadata: { run: "faults" } };

  beforeAll(async () => {
    emulator = await TestEmulator.start();
    ws = await createWorkspace({ projectName: PROJECT, env: emulator.providerEnv() });
    stack = await ws.stack("dev", batchProgram());
    await stack.setConfig("openai:maxRetries", "8");
    await setSpec(stack, spec);
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    await ws?.cleanup();
    await emulator?.close();
  });

  /** Runs `operation` with the faults on; they are off again (for inspection) when it returns. */
  async function withFaults<R>(operation: () => Promise<R>) {
    emulator.emulator.setFaults(FAULTS);
    try {
      return await emulator.during(operation);
    } finally {
      emulator.emulator.setFaults([]);
    }
  }

  /** The emulator holds exactly `batchIds`' input files among its batch files, and no other. */
  async function expectNoOrphanedFile(): Promise<void> {
    const batches = await emulator.batches();
    const referenced = new Set(batches.map((b) => b.input_file_id));
    const orphans = (await emulator.files("batch")).filter((f) => !referenced.has(f.id));
    expect(orphans).toEqual([]);
  }

  test(
    "up succeeds and makes exactly one batch and one input file",
    async () => {
      const { result, error, calls } = await withFaults(() => stack.up());
      expect(error).toBeUndefined();
      expect(result!.result.summary.result).toBe("succeeded");
      const faults = calls.filter((c) => c.fault !== undefined).map((c) => c.fault);
      expect(new Set(faults)).toEqual(new Set(["rate_limit", "server_error", "server_error_after"]));
      // The faulted upload and create did their work; the provider found it instead of repeating
      // it. Besides, the create's in-flight marker went up, and was deleted as the create returned.
      const writes = mutating(calls).map(describeCall);
      expect(writes[0]).toBe("POST /v1/files -> 500 (server_error_after)");
      expect(writes.filter((w) => w.startsWith("POST /v1/batches"))).toEqual([
        "POST /v1/batches -> 500 (server_error_after)",
      ]);
      expect(writes.filter((w) => w.startsWith("POST /v1/files"))).toHaveLength(2);
      expect(writes.at(-1)).toMatch(/^DELETE \/v1\/files\/file-\w+ -> 200$/);

      const outputs = await outputValues(stack);
      expect(outputs.status).toBe("completed");
      const batches = await emulator.batches();
      expect(batches.map((b) => [b.id, b.status])).toEqual([[outputs.batchId, "completed"]]);
      expect((await emulator.files("batch")).map((f) => f.id)).toEqual([outputs.inputFileId]);
      const resource = await batchResource(stack);
      expect(resource.id).toBe(outputs.batchId);
      expect(resource.initErrors).toBeUndefined();
    },
    OP_TIMEOUT,
  );

  test(
    "a replacement succeeds and leaves one new batch, the old file deleted, and no orphan",
    async () => {
      const old = await outputValues(stack);
      await setSpec(stack, { ...spec, prompts: ["A different question?"] });
      const { result, error, calls } = await withFaults(() => stack.up());
      expect(error).toBeUndefined();
      expect(userChanges(result!.events)).toEqual({
        "create-replacement": 1,
        replace: 1,
        "delete-replaced": 1,
      });
      // One upload and one create (each found again after its lost answer), the create's
      // in-flight marker up and deleted, then only the old input file deleted (retried until the
      // API says it is gone).
      const writes = mutating(calls);
      const described = writes.map(describeCall);
      expect(described[0]).toBe("POST /v1/files -> 500 (server_error_after)");
      expect(described.filter((w) => w.startsWith("POST /v1/batches"))).toEqual([
        "POST /v1/batches -> 500 (server_error_after)",
      ]);
      expect(described.filter((w) => w.startsWith("POST /v1/files"))).toHaveLength(2);
      const afterCreate = writes.slice(described.findIndex((w) => w.startsWith("POST /v1/batches")) + 1);
      const oldFile = afterCreate.findIndex((c) => c.path === `/v1/files/${old.inputFileId}`);
      // The marker's delete (retried until answered) comes before the delete of the replaced resource.
      expect(new Set(afterCreate.slice(0, oldFile).map((c) => c.method))).toEqual(new Set(["DELETE"]));
      expect(new Set(afterCreate.slice(oldFile).map((c) => `${c.method} ${c.path}`))).toEqual(
        new Set([`DELETE /v1/files/${old.inputFileId}`]),
      );
      expect([200, 404]).toContain(writes.at(-1)!.status);

      const outputs = await outputValues(stack);
      expect(outputs.batchId).not.toBe(old.batchId);
      expect(outputs.status).toBe("completed");
      const batches = await emulator.batches();
      expect(batches.map((b) => [b.id, b.status])).toEqual([
        [outputs.batchId, "completed"],
        [old.batchId, "completed"],
      ]);
      expect(await emulator.fileExists(old.inputFileId as string)).toBe(false);
      expect((await emulator.files("batch")).map((f) => f.id)).toEqual([outputs.inputFileId]);
      await expectNoOrphanedFile();
    },
    OP_TIMEOUT,
  );

  test(
    "destroy succeeds and leaves no input file and nothing live",
    async () => {
      const inputFileId = (await batchResource(stack)).outputs!.inputFileId as string;
      const { result, error, calls } = await withFaults(() => stack.destroy());
      expect(error).toBeUndefined();
      expect(result!.result.summary.result).toBe("succeeded");
      // The batch had completed: nothing to cancel, only its input file to delete.
      const writes = mutating(calls);
      expect(new Set(writes.map((c) => `${c.method} ${c.path}`))).toEqual(
        new Set([`DELETE /v1/files/${inputFileId}`]),
      );
      expect([200, 404]).toContain(writes.at(-1)!.status);
      expect(await stack.resources()).toEqual([]);
      expect(await emulator.files("batch")).toEqual([]);
      expect((await emulator.batches()).filter((b) => LIVE.has(b.status))).toEqual([]);
    },
    OP_TIMEOUT,
  );

  test(
    "a wait rides out polls that fail even after the retries, and completes",
    async () => {
      // No retries at all: each failed poll reaches the wait itself.
      const outage = await ws.stack("outage", batchProgram());
      await outage.setConfig("openai:maxRetries", "0");
      await setSpec(outage, { ...spec, metadata: { run: "outage" } });
      emulator.emulator.setFaults([{ method: "GET", path: "/v1/batches/*", kind: "server_error", count: 3 }]);
      const { result, error, calls } = await emulator.during(() => outage.up());
      emulator.emulator.setFaults([]);
      expect(error).toBeUndefined();
      expect(result!.result.summary.result).toBe("succeeded");
      const { batchId, status } = await outputValues(outage);
      expect(status).toBe("completed");
      const described = describeCalls(calls);
      expect(described.slice(0, 7)).toEqual([
        "GET /v1/batches -> 200",
        "POST /v1/files -> 200",
        "POST /v1/files -> 200",
        "POST /v1/batches -> 200",
        `GET /v1/batches/${batchId} -> 500 (server_error)`,
        `GET /v1/batches/${batchId} -> 500 (server_error)`,
        `GET /v1/batches/${batchId} -> 500 (server_error)`,
      ]);
      expect(described.length).toBeGreaterThan(8);
      expect(new Set(described.slice(7, -1))).toEqual(new Set([`GET /v1/batches/${batchId} -> 200`]));
      // The create's in-flight marker, deleted as the create returns.
      expect(described.at(-1)).toMatch(/^DELETE \/v1\/files\/file-\w+ -> 200$/);
      const mine = (await emulator.batches()).filter((b) => b.metadata?.run === "outage");
      expect(mine.map((b) => [b.id, b.status])).toEqual([[batchId, "completed"]]);
    },
    OP_TIMEOUT,
  );

  describe("a running batch", () => {
    // A second emulator whose time runs a thousand times slower than real time: its batches stay
    // `validating` (and then `cancelling`) for minutes.
    let slow: TestEmulator;
    let slowWs: E2eWorkspace;
    let running: E2eStack;

    beforeAll(async () => {
      slow = await TestEmulator.start({ timeScale: 0.001 });
      slowWs = await createWorkspace({ projectName: PROJECT, env: slow.providerEnv() });
      running = await slowWs.stack("running", batchProgram());
      await running.setConfig("openai:maxRetries", "8");
      await setSpec(running, { metadata: { run: "faults-running" } });
    }, SETUP_TIMEOUT);

    afterAll(async () => {
      await slowWs?.cleanup();
      await slow?.close();
    });

    test(
      "up and destroy succeed: the batch is cancelled, its file deleted, and no duplicate or orphan is left",
      async () => {
        slow.emulator.setFaults(FAULTS);
        const up = await slow.during(() => running.up());
        slow.emulator.setFaults([]);
        expect(up.error).toBeUndefined();
        const { batchId, inputFileId } = await outputValues(running);
        expect((await slow.batches()).map((b) => [b.id, b.status])).toEqual([[batchId, "validating"]]);
        expect((await slow.files("batch")).map((f) => f.id)).toEqual([inputFileId]);

        slow.emulator.setFaults(FAULTS);
        const destroy = await slow.during(() => running.destroy());
        slow.emulator.setFaults([]);
        expect(destroy.error).toBeUndefined();
        // Cancel (retried until answered), then the input file deleted (retried until answered).
        const writes = mutating(destroy.calls).map((c) => `${c.method} ${c.path}`);
        const cancel = `POST /v1/batches/${batchId}/cancel`;
        const remove = `DELETE /v1/files/${inputFileId}`;
        expect(writes.length).toBeGreaterThanOrEqual(2);
        expect(writes.slice(0, writes.indexOf(remove))).toEqual(writes.filter((w) => w === cancel));
        expect(writes.slice(writes.indexOf(remove))).toEqual(writes.filter((w) => w === remove));
        expect(await running.resources()).toEqual([]);
        expect((await slow.batches()).map((b) => [b.id, b.status])).toEqual([[batchId, "cancelling"]]);
        expect(await slow.files("batch")).toEqual([]);
      },
      OP_TIMEOUT,
    );
  });
});
