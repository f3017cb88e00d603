/**
 * `Batch.get` (the `adopt-existing` example) on the real engine: a batch created elsewhere is read
 * from the API, never changed, and left running by destroy. The emulator's clock is manual.
 */
import type OpenAI from "openai";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  batchResource,
  describeCalls,
  exampleProgram,
  OP_TIMEOUT,
  outputValues,
  SETUP_TIMEOUT,
  TestEmulator,
} from "./support/batches";
import { describeWithEngine } from "./support/engine";
import { createWorkspace, type E2eStack, type E2eWorkspace, userChanges } from "./support/workspace";

const PROJECT = "e2e-adopt";
const BATCH_TYPE = "pulumi-nodejs:dynamic/openai:Batch";

describeWithEngine("Batch.get adopts a batch created elsewhere, read-only", () => {
  let emulator: TestEmulator;
  let ws: E2eWorkspace;
  let stack: E2eStack;
  let adopted: OpenAI.Batch;

  beforeAll(async () => {
    emulator = await TestEmulator.start({ manualClock: true });
    // Made outside Pulumi, with the emulator's own client.
    const lines = ["first document", "second document", "third document"].map((input, index) =>
      JSON.stringify({
        custom_id: `doc-${index + 1}`,
        method: "POST",
        url: "/v1/embeddings",
        body: { model: "text-embedding-3-small", input },
      }),
    );
    const file = await emulator.client.files.create({
      file: new File([`${lines.join("\n")}\n`], "elsewhere.jsonl", { type: "application/jsonl" }),
      purpose: "batch",
    });
    adopted = await emulator.client.batches.create({
      input_file_id: file.id,
      endpoint: "/v1/embeddings",
      completion_window: "24h",
      metadata: { owner: "another-team" },
    });
    emulator.emulator.clearCalls();

    ws = await createWorkspace({ projectName: PROJECT, env: emulator.providerEnv() });
    stack = await ws.stack("dev", exampleProgram("adopt-existing"));
    await stack.setConfig(`${PROJECT}:batchId`, adopted.id);
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    await ws?.cleanup();
    await emulator?.close();
  });

  test(
    "up reads the batch from the API and exports what it says",
    async () => {
      const { result, error, calls } = await emulator.during(() => stack.up());
      expect(error).toBeUndefined();
      expect(result!.result.summary.result).toBe("succeeded");
      expect(userChanges(result!.events)).toEqual({ read: 1 });
      expect(describeCalls(calls)).toEqual([`GET /v1/batches/${adopted.id} -> 200`]);

      expect(await outputValues(stack)).toMatchObject({
        status: "validating",
        requestCounts: { total: 0, completed: 0, failed: 0 },
      });
      const resource = await batchResource(stack);
      expect(resource).toMatchObject({
        urn: `urn:pulumi:dev::${PROJECT}::${BATCH_TYPE}::adopted`,
        id: adopted.id,
        external: true,
      });
      expect(resource.outputs).toMatchObject({
        endpoint: "/v1/embeddings",
        inputFileId: adopted.input_file_id,
        completionWindow: "24h",
        metadata: { owner: "another-team" },
        status: "validating",
        uploadedInputFile: false,
      });
    },
    OP_TIMEOUT,
  );

  test(
    "the example exports the adopted batch's endpoint",
    async () => {
      expect((await outputValues(stack)).endpoint).toBe("/v1/embeddings");
    },
    OP_TIMEOUT,
  );

  test(
    "a later up reads the batch's progress again and changes nothing on the API",
    async () => {
      // The batch moves on outside Pulumi: past validation, into in_progress.
      await emulator.emulator.advance(250);
      const { result, error, calls } = await emulator.during(() => stack.up());
      expect(error).toBeUndefined();
      expect(userChanges(result!.events)).toEqual({ read: 1 });
      expect(describeCalls(calls)).toEqual([`GET /v1/batches/${adopted.id} -> 200`]);
      const live = await emulator.batch(adopted.id);
      expect(live.status).toBe("in_progress");
      expect((await outputValues(stack)).status).toBe("in_progress");
      expect((await batchResource(stack)).outputs).toMatchObject({
        status: "in_progress",
        inProgressAt: live.in_progress_at,
      });
    },
    OP_TIMEOUT,
  );

  test(
    "destroy forgets the batch without cancelling it or deleting its file",
    async () => {
      const { result, error, calls } = await emulator.during(() => stack.destroy());
      expect(error).toBeUndefined();
      expect(userChanges(result!.events)).toEqual({ discard: 1 });
      expect(calls).toEqual([]);
      expect(await stack.resources()).toEqual([]);
      expect((await emulator.batch(adopted.id)).status).toBe("in_progress");
      expect(await emulator.fileExists(adopted.input_file_id)).toBe(true);
    },
    OP_TIMEOUT,
  );
});
