/**
 * A wait that runs out (`waitTimeoutSeconds`) on the real engine: the batch is recorded in the
 * state with an init error, the up fails with the timeout message, and the next up resumes the wait
 * and completes the batch. The emulator's clock is manual, so the batch stays `validating` until
 * the test moves the clock on.
 */
import { describe, expect, test } from "vitest";
import {
  actWhileRunning,
  type BatchSpec,
  batchProgram,
  batchResource,
  describeCalls,
  OP_TIMEOUT,
  outputValues,
  setSpec,
  type TestEmulator,
} from "./support/batches";
import { describeWithEngine } from "./support/engine";
import { withManualClockEmulator } from "./support/suite";
import { type E2eStack, type E2eWorkspace, EngineOperationError, userChanges } from "./support/workspace";

const PROJECT = "e2e-wait-timeout";
const WAITING: BatchSpec = { waitForCompletion: true, waitTimeoutSeconds: 3, pollIntervalSeconds: 1 };

const timeoutMessage = (batchId: string): string =>
  `Batch ${batchId} is still validating after waiting 3 s (waitTimeoutSeconds). It keeps running, and it is recorded in the state: the next \`pulumi up\` resumes the wait. Raise waitTimeoutSeconds, or set waitForCompletion to false to stop waiting.`;

describeWithEngine("a wait for completion that times out", () => {
  let emulator: TestEmulator;
  let ws: E2eWorkspace;

  withManualClockEmulator(PROJECT, (parts) => {
    ({ emulator, ws } = parts);
  });

  /** Runs an up that times out on a new stack; checks the failure and the state it leaves. */
  async function timedOutStack(
    name: string,
  ): Promise<{ stack: E2eStack; batchId: string; inputFileId: string }> {
    const stack = await ws.stack(name, batchProgram());
    await setSpec(stack, { ...WAITING, metadata: { stack: name } });
    const { error, calls } = await emulator.during(() => stack.up());

    const batches = (await emulator.batches()).filter((b) => b.metadata?.stack === name);
    expect(batches).toHaveLength(1);
    const batch = batches[0]!;
    expect(batch.status).toBe("validating");
    const batchId = batch.id;

    expect(error).toBeInstanceOf(EngineOperationError);
    expect((error as EngineOperationError).output).toContain(timeoutMessage(batchId));

    const described = describeCalls(calls);
    expect(described.slice(0, 4)).toEqual([
      "GET /v1/batches -> 200",
      "POST /v1/files -> 200",
      "POST /v1/files -> 200",
      "POST /v1/batches -> 200",
    ]);
    // Polls until the deadline, on the engine's real clock: the first at once, then more. Their
    // exact times (the last one at the deadline) are asserted on an injected clock in
    // test/provider/provider-promises.test.ts; here, only that the wait polled more than once.
    expect(described.length).toBeGreaterThanOrEqual(7);
    expect(new Set(described.slice(4, -1))).toEqual(new Set([`GET /v1/batches/${batchId} -> 200`]));
    // The create's in-flight marker, deleted as the create hands the recorded batch to the engine.
    expect(described.at(-1)).toMatch(/^DELETE \/v1\/files\/file-\w+ -> 200$/);

    const resource = await batchResource(stack);
    expect(resource.id).toBe(batchId);
    expect(resource.initErrors).toEqual([timeoutMessage(batchId)]);
    expect(resource.outputs).toMatchObject({
      status: "validating",
      inputFileId: batch.input_file_id,
      uploadedInputFile: true,
      waitForCompletion: true,
      waitTimeoutSeconds: 3,
    });
    return { stack, batchId, inputFileId: batch.input_file_id };
  }

  describe("then resumed", () => {
    let stack: E2eStack;
    let batchId: string;
    let inputFileId: string;

    test(
      "up fails with the timeout message and records the batch with an init error",
      async () => {
        ({ stack, batchId, inputFileId } = await timedOutStack("resumed"));
        expect(await emulator.files("batch")).toHaveLength(1);
      },
      OP_TIMEOUT,
    );

    test(
      "the next up resumes the wait and completes the same batch, creating nothing",
      async () => {
        // A longer wait this time (an in-place change), so that a slow machine cannot time it out.
        await setSpec(stack, { ...WAITING, waitTimeoutSeconds: 600, metadata: { stack: "resumed" } });
        const { result, error, calls } = await emulator.during(() =>
          // Once the update is polling the batch again, let the batch run to completion.
          actWhileRunning(
            stack.up(),
            "the resumed wait to poll the batch",
            () => emulator.emulator.calls().some((c) => c.path === `/v1/batches/${batchId}`),
            () => emulator.emulator.advance(60_000),
          ),
        );
        expect(error).toBeUndefined();
        expect(result!.result.summary.result).toBe("succeeded");
        expect(userChanges(result!.events)).toEqual({ update: 1 });
        // One listing of the files (for uploads earlier attempts left), then the polls.
        const described = describeCalls(calls);
        expect(described.length).toBeGreaterThanOrEqual(3);
        expect(described[0]).toBe("GET /v1/files -> 200");
        expect(new Set(described.slice(1))).toEqual(new Set([`GET /v1/batches/${batchId} -> 200`]));

        const batch = await emulator.batch(batchId);
        expect(batch.status).toBe("completed");
        expect(await outputValues(stack)).toEqual({
          batchId,
          status: "completed",
          inputFileId,
          outputFileId: batch.output_file_id,
          inputSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
          requestCounts: { total: 2, completed: 2, failed: 0 },
          // Counted by the wait that saw the batch finish (no error file, so nothing downloaded).
          resultsSummary: { succeeded: 2, failed: 0, expired: 0, cancelled: 0, missing: 0, errorCodes: {} },
        });
        const resource = await batchResource(stack);
        expect(resource.id).toBe(batchId);
        expect(resource.initErrors).toBeUndefined();
        expect(resource.outputs).toMatchObject({
          status: "completed",
          outputFileId: batch.output_file_id,
          waitTimeoutSeconds: 600,
        });
        // Still one batch and one input file: the resume made nothing new.
        expect((await emulator.batches()).map((b) => b.id)).toEqual([batchId]);
        expect((await emulator.files("batch")).map((f) => f.id)).toEqual([inputFileId]);
      },
      OP_TIMEOUT,
    );

    test(
      "destroy then deletes the file and cancels nothing, the batch having completed",
      async () => {
        const { error, calls } = await emulator.during(() => stack.destroy());
        expect(error).toBeUndefined();
        expect(describeCalls(calls)).toEqual([
          `DELETE /v1/files/${inputFileId} -> 200`,
          "GET /v1/files -> 200",
        ]);
        expect(await stack.resources()).toEqual([]);
        expect((await emulator.batch(batchId)).status).toBe("completed");
      },
      OP_TIMEOUT,
    );
  });

  // A batch recorded after a failed wait must stay manageable without a successful up first: its
  // state carries the serialized provider, which the dynamic-provider host needs for read and
  // delete.
  describe("then refreshed or destroyed without a successful up in between", () => {
    let stack: E2eStack;
    let batchId: string;
    let inputFileId: string;

    test(
      "up fails with the timeout message and records the batch with an init error",
      async () => {
        ({ stack, batchId, inputFileId } = await timedOutStack("abandoned"));
      },
      OP_TIMEOUT,
    );

    test(
      "the recorded batch keeps its serialized provider in the state",
      async () => {
        const resource = await batchResource(stack);
        expect(resource.outputs).toHaveProperty(
          "__provider",
          expect.stringContaining('require("pulumi-openai-batch/runtime")'),
        );
      },
      OP_TIMEOUT,
    );

    test(
      "refresh reads the recorded batch",
      async () => {
        const { error, calls } = await emulator.during(() => stack.refresh());
        expect(error).toBeUndefined();
        expect(describeCalls(calls)).toEqual([`GET /v1/batches/${batchId} -> 200`]);
        expect((await batchResource(stack)).outputs).toMatchObject({ status: "validating" });
      },
      OP_TIMEOUT,
    );

    test(
      "destroy cancels the recorded batch, waits until it is cancelled, then deletes its file",
      async () => {
        const { error, calls } = await emulator.during(() =>
          // Once the batch is being cancelled, let the emulator's cancelling phase pass.
          actWhileRunning(
            stack.destroy(),
            "the destroy to cancel the batch",
            () => emulator.emulator.calls().some((c) => c.path === `/v1/batches/${batchId}/cancel`),
            () => emulator.emulator.advance(60_000),
          ),
        );
        expect(error).toBeUndefined();
        const described = describeCalls(calls);
        expect(described[0]).toBe(`POST /v1/batches/${batchId}/cancel -> 200`);
        expect(described.slice(-2)).toEqual([
          `DELETE /v1/files/${inputFileId} -> 200`,
          "GET /v1/files -> 200",
        ]);
        expect(new Set(described.slice(1, -2))).toEqual(new Set([`GET /v1/batches/${batchId} -> 200`]));
        expect(await stack.resources()).toEqual([]);
        expect(await emulator.fileExists(inputFileId)).toBe(false);
        expect((await emulator.batch(batchId)).status).toBe("cancelled");
      },
      OP_TIMEOUT,
    );
  });
});
