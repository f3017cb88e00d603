/**
 * `pulumi refresh` on the real engine: a batch that completed, expired or disappeared outside
 * Pulumi. The emulator's clock is manual, so a batch only moves when the test moves it.
 */
import { describe, expect, test } from "vitest";
import {
  batchProgram,
  batchResource,
  CREATE_OPENING,
  describeCalls,
  MARKER_DELETED,
  OP_TIMEOUT,
  outputValues,
  setSpec,
  type TestEmulator,
} from "./support/batches";
import { describeWithEngine } from "./support/engine";
import { withManualClockEmulator } from "./support/suite";
import { type E2eStack, type E2eWorkspace, userChanges, userResources } from "./support/workspace";

const PROJECT = "e2e-refresh";
const FILE_ID = /^file-[A-Za-z0-9]+$/;

describeWithEngine("refresh of batches changed outside Pulumi", () => {
  let emulator: TestEmulator;
  let ws: E2eWorkspace;

  withManualClockEmulator(PROJECT, (parts) => {
    ({ emulator, ws } = parts);
  });

  /** A new stack with a running batch (no wait); returns the batch id. */
  async function stackWithRunningBatch(name: string): Promise<{ stack: E2eStack; batchId: string }> {
    const stack = await ws.stack(name, batchProgram());
    await setSpec(stack, { metadata: { stack: name } });
    const { error } = await emulator.during(() => stack.up());
    expect(error).toBeUndefined();
    const outputs = await outputValues(stack);
    expect(outputs.status).toBe("validating");
    return { stack, batchId: outputs.batchId as string };
  }

  describe("a batch that completed", () => {
    let stack: E2eStack;
    let batchId: string;

    test(
      "refresh records the completed status and the output file; the inputs are unchanged",
      async () => {
        ({ stack, batchId } = await stackWithRunningBatch("completed"));
        const before = await batchResource(stack);
        await emulator.emulator.advance(60_000);
        const batch = await emulator.batch(batchId);
        expect(batch.status).toBe("completed");

        const { result, error, calls } = await emulator.during(() => stack.refresh());
        expect(error).toBeUndefined();
        expect(result!.result.summary.result).toBe("succeeded");
        expect(userChanges(result!.events)).toEqual({ refresh: 1 });
        expect(describeCalls(calls)).toEqual([`GET /v1/batches/${batchId} -> 200`]);

        const after = await batchResource(stack);
        expect(after.id).toBe(batchId);
        expect(after.inputs).toEqual(before.inputs);
        expect(after.outputs).toMatchObject({
          status: "completed",
          outputFileId: batch.output_file_id,
          completedAt: batch.completed_at,
          requestCounts: { total: 2, completed: 2, failed: 0 },
          uploadedInputFile: true,
          inputFileId: before.outputs!.inputFileId,
        });
        expect(batch.output_file_id).toMatch(FILE_ID);
      },
      OP_TIMEOUT,
    );

    test(
      "the next up shows no change, calls no API, and exports the refreshed outputs",
      async () => {
        const { result, error, calls } = await emulator.during(() => stack.up());
        expect(error).toBeUndefined();
        expect(result!.result.summary.resourceChanges).toEqual({ same: 2 });
        expect(userChanges(result!.events)).toEqual({ same: 1 });
        expect(calls).toEqual([]);
        const batch = await emulator.batch(batchId);
        expect(await outputValues(stack)).toEqual({
          batchId,
          status: "completed",
          inputFileId: batch.input_file_id,
          outputFileId: batch.output_file_id,
          inputSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
          requestCounts: { total: 2, completed: 2, failed: 0 },
        });
      },
      OP_TIMEOUT,
    );
  });

  describe("a batch that expired", () => {
    let stack: E2eStack;
    let batchId: string;

    test(
      "refresh records the expired status",
      async () => {
        ({ stack, batchId } = await stackWithRunningBatch("expired"));
        await emulator.emulator.setBatchStatus(batchId, "expired");
        const batch = await emulator.batch(batchId);

        const { error, calls } = await emulator.during(() => stack.refresh());
        expect(error).toBeUndefined();
        expect(describeCalls(calls)).toEqual([`GET /v1/batches/${batchId} -> 200`]);
        const resource = await batchResource(stack);
        expect(resource.id).toBe(batchId);
        expect(resource.outputs).toMatchObject({ status: "expired", expiredAt: batch.expired_at });
        expect(batch.expired_at).toEqual(expect.any(Number));
      },
      OP_TIMEOUT,
    );

    test(
      "the next up keeps the expired batch without a change or a call, and exports its status",
      async () => {
        const { result, error, calls } = await emulator.during(() => stack.up());
        expect(error).toBeUndefined();
        expect(userChanges(result!.events)).toEqual({ same: 1 });
        expect(calls).toEqual([]);
        expect(await outputValues(stack)).toMatchObject({ batchId, status: "expired" });
      },
      OP_TIMEOUT,
    );

    test(
      "destroy of the expired batch cancels nothing and deletes its file",
      async () => {
        const inputFileId = (await batchResource(stack)).outputs!.inputFileId as string;
        const { error, calls } = await emulator.during(() => stack.destroy());
        expect(error).toBeUndefined();
        expect(describeCalls(calls)).toEqual([
          `DELETE /v1/files/${inputFileId} -> 200`,
          "GET /v1/files -> 200",
        ]);
        expect(await emulator.fileExists(inputFileId)).toBe(false);
        expect((await emulator.batch(batchId)).status).toBe("expired");
      },
      OP_TIMEOUT,
    );
  });

  // Runs last: the emulator's reset forgets every batch of every stack of this file.
  describe("a batch the API no longer knows", () => {
    let stack: E2eStack;
    let batchId: string;

    test(
      "refresh drops it from the state",
      async () => {
        ({ stack, batchId } = await stackWithRunningBatch("gone"));
        await emulator.emulator.reset();
        expect(await emulator.batches()).toEqual([]);

        const { result, error, calls } = await emulator.during(() => stack.refresh());
        expect(error).toBeUndefined();
        expect(result!.result.summary.resourceChanges).toEqual({ delete: 1, same: 1 });
        expect(describeCalls(calls)).toEqual([`GET /v1/batches/${batchId} -> 404`]);
        expect(userResources(await stack.resources())).toEqual([]);
      },
      OP_TIMEOUT,
    );

    test(
      "the next up creates a new batch",
      async () => {
        const { result, error, calls } = await emulator.during(() => stack.up());
        expect(error).toBeUndefined();
        expect(userChanges(result!.events)).toEqual({ create: 1 });
        expect(describeCalls(calls)).toEqual([...CREATE_OPENING, expect.stringMatching(MARKER_DELETED)]);
        const outputs = await outputValues(stack);
        expect(outputs.batchId).not.toBe(batchId);
        const batches = await emulator.batches();
        expect(batches.map((b) => [b.id, b.status])).toEqual([[outputs.batchId, "validating"]]);
        expect((await batchResource(stack)).id).toBe(outputs.batchId);
      },
      OP_TIMEOUT,
    );
  });
});
