/**
 * Promises of the README where the engine's own steps matter, on the real engine: a replacement
 * (create first, then delete) that keeps the old input file, a failed batch that keeps failing
 * later ups, and a refresh of a batch cancelled outside Pulumi. The emulator's clock is manual.
 */
import { describe, expect, test } from "vitest";
import {
  type BatchSpec,
  batchProgram,
  batchResource,
  describeCalls,
  mutating,
  OP_TIMEOUT,
  outputValues,
  setSpec,
  type TestEmulator,
} from "./support/batches";
import { describeWithEngine } from "./support/engine";
import { withManualClockEmulator } from "./support/suite";
import { type E2eStack, type E2eWorkspace, EngineOperationError, userChanges } from "./support/workspace";

const PROJECT = "e2e-promises";

describeWithEngine("README promises that the engine's steps decide", () => {
  let emulator: TestEmulator;
  let ws: E2eWorkspace;

  withManualClockEmulator(PROJECT, (parts) => {
    ({ emulator, ws } = parts);
  });

  /** A new stack whose batch was created and is still running; returns its ids. */
  async function upRunning(name: string, spec: BatchSpec) {
    const stack = await ws.stack(name, batchProgram());
    await setSpec(stack, spec);
    const { error } = await emulator.during(() => stack.up());
    expect(error).toBeUndefined();
    const outputs = await outputValues(stack);
    expect(outputs.status).toBe("validating");
    return { stack, batchId: outputs.batchId as string, inputFileId: outputs.inputFileId as string };
  }

  describe("deleteInputFileOnDelete: false", () => {
    let stack: E2eStack;
    let first: { batchId: string; inputFileId: string };
    let second: { batchId: string; inputFileId: string };
    const spec: BatchSpec = { deleteInputFileOnDelete: false, metadata: { stack: "keep-file", round: "1" } };

    test(
      "a replacement creates the new batch, cancels the old one and keeps the old input file",
      async () => {
        ({ stack, ...first } = await upRunning("keep-file", spec));
        await setSpec(stack, { ...spec, metadata: { stack: "keep-file", round: "2" } });
        const { result, error, calls } = await emulator.during(() => stack.up());
        expect(error).toBeUndefined();
        expect(userChanges(result!.events)).toEqual({
          "create-replacement": 1,
          replace: 1,
          "delete-replaced": 1,
        });
        const outputs = await outputValues(stack);
        second = { batchId: outputs.batchId as string, inputFileId: outputs.inputFileId as string };
        expect(second.batchId).not.toBe(first.batchId);
        // The upload and the create's in-flight marker, the create, the marker deleted, the cancel.
        expect(describeCalls(mutating(calls))).toEqual([
          "POST /v1/files -> 200",
          "POST /v1/files -> 200",
          "POST /v1/batches -> 200",
          expect.stringMatching(/^DELETE \/v1\/files\/file-\w+ -> 200$/),
          `POST /v1/batches/${first.batchId}/cancel -> 200`,
        ]);
        expect(await emulator.fileExists(first.inputFileId)).toBe(true);
        expect((await emulator.batch(first.batchId)).status).toBe("cancelling");
      },
      OP_TIMEOUT,
    );

    test(
      "destroy cancels the batch and keeps its input file too",
      async () => {
        const { error, calls } = await emulator.during(() => stack.destroy());
        expect(error).toBeUndefined();
        expect(describeCalls(mutating(calls))).toEqual([`POST /v1/batches/${second.batchId}/cancel -> 200`]);
        expect(await emulator.fileExists(first.inputFileId)).toBe(true);
        expect(await emulator.fileExists(second.inputFileId)).toBe(true);
      },
      OP_TIMEOUT,
    );
  });

  describe("a failed batch", () => {
    let stack: E2eStack;
    let batchId: string;
    let message: string;
    const spec: BatchSpec = { metadata: { stack: "failed" }, pollIntervalSeconds: 1 };

    test(
      "the up that waits for it fails with what happened and what to do",
      async () => {
        ({ stack, batchId } = await upRunning("failed", spec));
        await emulator.emulator.setBatchStatus(batchId, "failed");
        await setSpec(stack, { ...spec, waitForCompletion: true });
        const { error } = await emulator.during(() => stack.up());
        expect(error).toBeInstanceOf(EngineOperationError);
        const output = (error as EngineOperationError).output;
        const found = new RegExp(`Batch ${batchId} failed[^\\n]*run it again\\.`).exec(output);
        expect(found).not.toBeNull();
        message = found![0];
        expect(message).toContain(
          "Change the input (a new input replaces the batch) or run `pulumi up --replace 'urn:pulumi:",
        );
      },
      OP_TIMEOUT,
    );

    test(
      "every later up fails again with the same message, and makes and cancels nothing",
      async () => {
        for (let round = 0; round < 2; round++) {
          const { error, calls } = await emulator.during(() => stack.up());
          expect(error).toBeInstanceOf(EngineOperationError);
          expect((error as EngineOperationError).output).toContain(message);
          expect(mutating(calls)).toEqual([]);
        }
        expect((await batchResource(stack)).id).toBe(batchId);
        expect((await emulator.batches()).filter((b) => b.metadata?.stack === "failed")).toHaveLength(1);
      },
      OP_TIMEOUT,
    );
  });

  describe("a batch cancelled outside Pulumi", () => {
    let stack: E2eStack;
    let batchId: string;
    let inputFileId: string;

    test(
      "refresh records the cancelled status and times; the inputs are unchanged",
      async () => {
        ({ stack, batchId, inputFileId } = await upRunning("cancelled", {
          metadata: { stack: "cancelled" },
        }));
        const before = await batchResource(stack);
        await emulator.client.batches.cancel(batchId);
        await emulator.emulator.advance(60_000);
        const batch = await emulator.batch(batchId);
        expect(batch.status).toBe("cancelled");

        const { error, calls } = await emulator.during(() => stack.refresh());
        expect(error).toBeUndefined();
        expect(describeCalls(calls)).toEqual([`GET /v1/batches/${batchId} -> 200`]);
        const after = await batchResource(stack);
        expect(after.id).toBe(batchId);
        expect(after.inputs).toEqual(before.inputs);
        expect(after.outputs).toMatchObject({
          status: "cancelled",
          cancellingAt: batch.cancelling_at,
          cancelledAt: batch.cancelled_at,
        });
        expect(batch.cancelled_at).toEqual(expect.any(Number));
      },
      OP_TIMEOUT,
    );

    test(
      "destroy cancels nothing more and deletes the input file",
      async () => {
        const { error, calls } = await emulator.during(() => stack.destroy());
        expect(error).toBeUndefined();
        // One list of the files, to find this resource's leftover uploads, then the delete.
        expect(describeCalls(calls)).toEqual([
          `DELETE /v1/files/${inputFileId} -> 200`,
          "GET /v1/files -> 200",
        ]);
      },
      OP_TIMEOUT,
    );
  });
});
