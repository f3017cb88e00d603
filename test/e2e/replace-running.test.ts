/**
 * Replacements and deletes of batches that are still running, on the real engine against an
 * emulator whose clock only moves when the test says so (so a batch stays `validating` for as long
 * as a scenario needs). The program is the config-driven fixture, so that the metadata, the
 * endpoint and the request lines can each be changed on their own.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  type BatchSpec,
  batchProgram,
  batchResource,
  describeCalls,
  OP_TIMEOUT,
  outputValues,
  SETUP_TIMEOUT,
  setSpec,
  TestEmulator,
} from "./support/batches";
import { describeWithEngine } from "./support/engine";
import { createWorkspace, type E2eStack, type E2eWorkspace, userChanges } from "./support/workspace";

const PROJECT = "e2e-replace";
const BATCH_ID = /^batch_[0-9a-f]+$/;
const FILE_ID = /^file-[A-Za-z0-9]+$/;
/** The create's in-flight marker, deleted as the create returns (its id is the create's own). */
const MARKER_DELETED = expect.stringMatching(/^DELETE \/v1\/files\/file-[A-Za-z0-9]+ -> 200$/);
/** Statuses in which a batch may still run or is still being stopped. */
const LIVE = new Set(["validating", "in_progress", "finalizing", "cancelling"]);

describeWithEngine("replacing and destroying batches that are still running", () => {
  let emulator: TestEmulator;
  let ws: E2eWorkspace;
  let stack: E2eStack;
  let spec: BatchSpec;
  /** The batch the stack holds now and its uploaded input file. */
  let current: { batchId: string; inputFileId: string };

  beforeAll(async () => {
    emulator = await TestEmulator.start({ manualClock: true });
    ws = await createWorkspace({ projectName: PROJECT, env: emulator.providerEnv() });
    stack = await ws.stack("dev", batchProgram());
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    await ws?.cleanup();
    await emulator?.close();
  });

  /** Runs up with `next` and checks that it replaced the running batch the safe way round. */
  async function expectReplacement(next: BatchSpec): Promise<void> {
    spec = next;
    await setSpec(stack, spec);
    const old = current;
    const { result, error, calls } = await emulator.during(() => stack.up());
    expect(error).toBeUndefined();
    expect(result!.result.summary.resourceChanges).toEqual({ replace: 1, same: 1 });
    expect(userChanges(result!.events)).toEqual({
      "create-replacement": 1,
      replace: 1,
      "delete-replaced": 1,
    });

    const outputs = await outputValues(stack);
    const resource = await batchResource(stack);
    const batchId = outputs.batchId as string;
    const inputFileId = resource.outputs!.inputFileId as string;
    expect(batchId).toMatch(BATCH_ID);
    expect(batchId).not.toBe(old.batchId);
    expect(inputFileId).not.toBe(old.inputFileId);
    expect(outputs.status).toBe("validating");

    // The new batch is created first (its create's in-flight marker up before, deleted after);
    // only then is the old one cancelled and its file deleted.
    expect(describeCalls(calls)).toEqual([
      "GET /v1/batches -> 200",
      "POST /v1/files -> 200",
      "POST /v1/files -> 200",
      "POST /v1/batches -> 200",
      MARKER_DELETED,
      `POST /v1/batches/${old.batchId}/cancel -> 200`,
      `DELETE /v1/files/${old.inputFileId} -> 200`,
      "GET /v1/files -> 200",
    ]);

    const newBatch = await emulator.batch(batchId);
    expect(newBatch).toMatchObject({
      status: "validating",
      endpoint: spec.endpoint ?? "/v1/chat/completions",
      input_file_id: inputFileId,
      metadata: { ...spec.metadata, pulumi_openai_batch_token: resource.outputs!.__createToken },
    });
    expect((await emulator.batch(old.batchId)).status).toBe("cancelling");
    expect(await emulator.fileExists(old.inputFileId)).toBe(false);
    expect((await emulator.files("batch")).map((f) => f.id)).toEqual([inputFileId]);
    // Exactly one batch still runs: the new one.
    const running = (await emulator.batches()).filter((b) => b.status !== "cancelling" && LIVE.has(b.status));
    expect(running.map((b) => b.id)).toEqual([batchId]);
    current = { batchId, inputFileId };
  }

  test(
    "up creates the batch and returns while it is still validating",
    async () => {
      spec = { metadata: { team: "search" }, prompts: ["What is a batch?", "Why cancel a job?"] };
      await setSpec(stack, spec);
      const { result, error, calls } = await emulator.during(() => stack.up());
      expect(error).toBeUndefined();
      expect(result!.result.summary.resourceChanges).toEqual({ create: 2 });
      const outputs = await outputValues(stack);
      expect(outputs).toEqual({
        batchId: expect.stringMatching(BATCH_ID),
        status: "validating",
        inputFileId: expect.stringMatching(FILE_ID),
        inputSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        requestCounts: { total: 0, completed: 0, failed: 0 },
      });
      expect(describeCalls(calls)).toEqual([
        "GET /v1/batches -> 200",
        "POST /v1/files -> 200",
        "POST /v1/files -> 200",
        "POST /v1/batches -> 200",
        MARKER_DELETED,
      ]);
      current = { batchId: outputs.batchId as string, inputFileId: outputs.inputFileId as string };
      const batches = await emulator.batches();
      expect(batches.map((b) => [b.id, b.status, b.input_file_id])).toEqual([
        [current.batchId, "validating", current.inputFileId],
      ]);
    },
    OP_TIMEOUT,
  );

  test(
    "changing the metadata replaces the running batch: the new one first, then the old one cancelled and its file deleted",
    async () => {
      await expectReplacement({ ...spec, metadata: { team: "ranking" } });
    },
    OP_TIMEOUT,
  );

  test(
    "changing the endpoint replaces the running batch the same way",
    async () => {
      await expectReplacement({ ...spec, endpoint: "/v1/embeddings" });
    },
    OP_TIMEOUT,
  );

  test(
    "changing the request lines replaces the running batch the same way",
    async () => {
      await expectReplacement({ ...spec, prompts: ["What is a batch?", "What is a window?"] });
    },
    OP_TIMEOUT,
  );

  test(
    "changing pollIntervalSeconds of a running batch updates in place and calls no API",
    async () => {
      spec = { ...spec, pollIntervalSeconds: 5 };
      await setSpec(stack, spec);
      const { result, error, calls } = await emulator.during(() => stack.up());
      expect(error).toBeUndefined();
      expect(userChanges(result!.events)).toEqual({ update: 1 });
      expect(calls).toEqual([]);
      const resource = await batchResource(stack);
      expect(resource.id).toBe(current.batchId);
      expect(resource.outputs).toMatchObject({ pollIntervalSeconds: 5, status: "validating" });
      expect((await emulator.batch(current.batchId)).status).toBe("validating");
    },
    OP_TIMEOUT,
  );

  test(
    "destroy cancels the running batch and deletes its file; nothing is left running",
    async () => {
      const { result, error, calls } = await emulator.during(() => stack.destroy());
      expect(error).toBeUndefined();
      expect(result!.result.summary.resourceChanges).toEqual({ delete: 2 });
      expect(describeCalls(calls)).toEqual([
        `POST /v1/batches/${current.batchId}/cancel -> 200`,
        `DELETE /v1/files/${current.inputFileId} -> 200`,
        "GET /v1/files -> 200",
      ]);
      expect(await stack.resources()).toEqual([]);
      expect(await emulator.files("batch")).toEqual([]);
      // Every batch this stack ever made was cancelled; once the emulator's cancelling phase has
      // passed, none is live.
      expect((await emulator.batches()).map((b) => b.status)).toEqual([
        "cancelling",
        "cancelling",
        "cancelling",
        "cancelling",
      ]);
      await emulator.emulator.advance(60_000);
      const after = await emulator.batches();
      expect(after.map((b) => b.status)).toEqual(Array(4).fill("cancelled"));
      expect(after.filter((b) => LIVE.has(b.status))).toEqual([]);
    },
    OP_TIMEOUT,
  );

  describe("with cancelOnDelete off", () => {
    let kept: E2eStack;

    test(
      "destroy leaves the running batch alone and keeps its input file, which the batch still reads",
      async () => {
        kept = await ws.stack("kept", batchProgram());
        await setSpec(kept, { cancelOnDelete: false, metadata: { stack: "kept" } });
        const up = await emulator.during(() => kept.up());
        expect(up.error).toBeUndefined();
        const { batchId, inputFileId } = await outputValues(kept);

        const { result, error, calls } = await emulator.during(() => kept.destroy());
        expect(error).toBeUndefined();
        expect(result!.result.summary.resourceChanges).toEqual({ delete: 2 });
        // Nothing cancelled and nothing deleted: the files are only listed, for leftovers.
        expect(describeCalls(calls)).toEqual(["GET /v1/files -> 200"]);
        expect(await kept.resources()).toEqual([]);
        expect((await emulator.batch(batchId as string)).status).toBe("validating");
        expect(await emulator.fileExists(inputFileId as string)).toBe(true);
      },
      OP_TIMEOUT,
    );
  });

  // The replacement has the same create token as the running batch it replaces (nothing changed),
  // and the engine checks and creates it with no diff first. The batch's create returned (its
  // in-flight marker is gone), so this is a deliberate re-run: the batch starts over, and the
  // delete of the replaced resource cancels the old one, as for any replacement.
  describe("up --replace with nothing changed", () => {
    let replaced: E2eStack;

    test(
      "starts the running batch over: a new batch first, then the old one cancelled and its file deleted",
      async () => {
        replaced = await ws.stack("replaced", batchProgram());
        await setSpec(replaced, { metadata: { stack: "replaced" } });
        const up = await emulator.during(() => replaced.up());
        expect(up.error).toBeUndefined();
        const old = await outputValues(replaced);
        const oldToken = (await batchResource(replaced)).outputs!.__createToken;

        const urn = `urn:pulumi:replaced::${PROJECT}::pulumi-nodejs:dynamic/openai:Batch::batch`;
        const { result, error, calls } = await emulator.during(() => replaced.up({ replace: [urn] }));
        expect(error).toBeUndefined();
        expect(userChanges(result!.events)).toEqual({
          "create-replacement": 1,
          replace: 1,
          "delete-replaced": 1,
        });
        const now = await outputValues(replaced);
        expect(now.batchId).not.toBe(old.batchId);
        expect((await batchResource(replaced)).outputs!.__createToken).toBe(oldToken);
        // The batch that carries the token is found, so the files are listed for the markers of
        // creates that did not return: there is none.
        expect(describeCalls(calls)).toEqual([
          "GET /v1/batches -> 200",
          "POST /v1/files -> 200",
          "POST /v1/files -> 200",
          "GET /v1/files -> 200",
          "POST /v1/batches -> 200",
          MARKER_DELETED,
          `POST /v1/batches/${old.batchId}/cancel -> 200`,
          `DELETE /v1/files/${old.inputFileId} -> 200`,
          // The new batch's input file carries the same token: the batches are listed, which
          // shows that a batch still reads it, so it stays.
          "GET /v1/files -> 200",
          "GET /v1/batches -> 200",
        ]);
        expect((await emulator.batch(old.batchId as string)).status).toBe("cancelling");
        expect((await emulator.files("batch")).map((f) => f.id)).toContain(
          (await batchResource(replaced)).outputs!.inputFileId,
        );
        expect(await emulator.fileExists(old.inputFileId as string)).toBe(false);
        expect((await emulator.batch(now.batchId as string)).status).toBe("validating");
      },
      OP_TIMEOUT,
    );
  });
});
