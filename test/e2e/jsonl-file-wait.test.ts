/**
 * The examples that wait for their batch (`jsonl-file-wait`, `inline-requests`) on the real engine
 * against the local emulator (real clock: a batch completes in about a second): preview, up, a
 * no-op up, in-place updates, a replacement of a finished batch, and destroy.
 */
import { createHash } from "node:crypto";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  batchResource,
  CREATE_OPENING,
  describeCalls,
  exampleDir,
  exampleProgram,
  MARKER_DELETED,
  OP_TIMEOUT,
  outputValues,
  SETUP_TIMEOUT,
  TestEmulator,
} from "./support/batches";
import { describeWithEngine } from "./support/engine";
import {
  createWorkspace,
  type E2eStack,
  type E2eWorkspace,
  EngineOperationError,
  userChanges,
  userResources,
  userSteps,
} from "./support/workspace";

const PROJECT = "e2e-jsonl-wait";
const BATCH_TYPE = "pulumi-nodejs:dynamic/openai:Batch";
const FILE_ID = /^file-[A-Za-z0-9]+$/;
const BATCH_ID = /^batch_[0-9a-f]+$/;

const sha256 = (bytes: Buffer | string): string => createHash("sha256").update(bytes).digest("hex");

describeWithEngine("a batch read from a JSONL file, waited for by pulumi up", () => {
  let emulator: TestEmulator;
  let ws: E2eWorkspace;
  let stack: E2eStack;
  let requestsPath: string;
  const originalBytes = readFileSync(join(exampleDir("jsonl-file-wait"), "requests.jsonl"));
  /** What the first up made: the batch and its uploaded input file. */
  let first: { batchId: string; inputFileId: string };

  beforeAll(async () => {
    emulator = await TestEmulator.start();
    ws = await createWorkspace({ projectName: PROJECT, env: emulator.providerEnv() });
    requestsPath = join(ws.projectDir, "requests.jsonl");
    copyFileSync(join(exampleDir("jsonl-file-wait"), "requests.jsonl"), requestsPath);
    stack = await ws.stack("dev", exampleProgram("jsonl-file-wait"));
    await stack.setConfig(`${PROJECT}:pollIntervalSeconds`, "1");
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    await ws?.cleanup();
    await emulator?.close();
  });

  test(
    "preview of a new stack plans one create and calls no API",
    async () => {
      const { result, error, calls } = await emulator.during(() => stack.preview());
      expect(error).toBeUndefined();
      expect(result!.result.changeSummary).toEqual({ create: 2 });
      expect(userSteps(result!.events)).toEqual([
        { op: "create", urn: `urn:pulumi:dev::${PROJECT}::${BATCH_TYPE}::summaries`, type: BATCH_TYPE },
      ]);
      expect(calls).toEqual([]);
      expect(await emulator.batches()).toEqual([]);
      expect(await emulator.files()).toEqual([]);
    },
    OP_TIMEOUT,
  );

  test(
    "preview fails on a JSONL file with bad lines, naming each line, and calls no API",
    async () => {
      const lines = originalBytes.toString("utf8").trimEnd().split("\n");
      // Line 3 is cut short (not JSON); line 4 repeats line 1's custom_id.
      const broken = [lines[0], lines[1], '{"custom_id":"summary-3","method":"POST",', lines[0]].join("\n");
      writeFileSync(requestsPath, `${broken}\n`);
      try {
        const { error, calls } = await emulator.during(() => stack.preview());
        expect(error).toBeInstanceOf(EngineOperationError);
        const output = (error as EngineOperationError).output;
        expect(output).toContain("requests.jsonl:3: the line is not valid JSON");
        expect(output).toContain(
          'requests.jsonl:4: custom_id "summary-1" is already used on line 1; every custom_id must be unique',
        );
        expect(calls).toEqual([]);
      } finally {
        writeFileSync(requestsPath, originalBytes);
      }
      expect(await emulator.batches()).toEqual([]);
      expect(await emulator.files()).toEqual([]);
      expect(await stack.resources()).toEqual([]);
    },
    OP_TIMEOUT,
  );

  test(
    "up uploads the file, creates the batch and waits until it has completed",
    async () => {
      const { result, error, calls } = await emulator.during(() => stack.up());
      expect(error).toBeUndefined();
      expect(result!.result.summary.result).toBe("succeeded");
      expect(result!.result.summary.resourceChanges).toEqual({ create: 2 });

      const outputs = await outputValues(stack);
      expect(outputs).toEqual({
        batchId: expect.stringMatching(BATCH_ID),
        status: "completed",
        outputFileId: expect.stringMatching(FILE_ID),
        requestCounts: { total: 4, completed: 4, failed: 0 },
        inputSha256: sha256(originalBytes),
      });
      const batchId = outputs.batchId as string;

      const resource = await batchResource(stack);
      expect(resource.id).toBe(batchId);
      expect(resource.initErrors).toBeUndefined();
      expect(resource.outputs).toMatchObject({
        endpoint: "/v1/chat/completions",
        inputFile: "requests.jsonl",
        metadata: { example: "jsonl-file-wait" },
        status: "completed",
        inputFileId: expect.stringMatching(FILE_ID),
        outputFileId: outputs.outputFileId,
        inputSha256: sha256(originalBytes),
        requestCount: 4,
        uploadedInputFile: true,
        waitForCompletion: true,
        pollIntervalSeconds: 1,
        __stateVersion: 1,
      });
      const inputFileId = resource.outputs!.inputFileId as string;
      first = { batchId, inputFileId };

      // The emulator holds exactly this batch and this input file, with the file's exact bytes.
      const batches = await emulator.batches();
      expect(batches.map((b) => [b.id, b.status, b.input_file_id, b.output_file_id])).toEqual([
        [batchId, "completed", inputFileId, outputs.outputFileId],
      ]);
      expect(batches[0]!.metadata).toEqual({
        example: "jsonl-file-wait",
        pulumi_openai_batch_token: resource.outputs!.__createToken,
      });
      const inputFiles = await emulator.files("batch");
      expect(inputFiles.map((f) => [f.id, f.bytes])).toEqual([[inputFileId, originalBytes.length]]);
      const uploaded = Buffer.from(await (await emulator.client.files.content(inputFileId)).arrayBuffer());
      expect(uploaded.equals(originalBytes)).toBe(true);

      // One look for an earlier create's batch, one upload, the in-flight marker, one create, then
      // only polls, and the marker deleted as the create returns.
      const described = describeCalls(calls);
      expect(described.slice(0, 4)).toEqual(CREATE_OPENING);
      expect(described.length).toBeGreaterThan(5);
      expect(new Set(described.slice(4, -1))).toEqual(new Set([`GET /v1/batches/${batchId} -> 200`]));
      expect(described.at(-1)).toMatch(MARKER_DELETED);
    },
    OP_TIMEOUT,
  );

  test(
    "a second up with nothing changed changes nothing and calls no API",
    async () => {
      const before = await batchResource(stack);
      const { result, error, calls } = await emulator.during(() => stack.up());
      expect(error).toBeUndefined();
      expect(result!.result.summary.resourceChanges).toEqual({ same: 2 });
      expect(userChanges(result!.events)).toEqual({ same: 1 });
      expect(calls).toEqual([]);
      const after = await batchResource(stack);
      expect(after.id).toBe(first.batchId);
      expect(after.outputs).toEqual(before.outputs);
    },
    OP_TIMEOUT,
  );

  test(
    "changing pollIntervalSeconds updates in place and calls no API",
    async () => {
      await stack.setConfig(`${PROJECT}:pollIntervalSeconds`, "2");
      const { result, error, calls } = await emulator.during(() => stack.up());
      expect(error).toBeUndefined();
      expect(userChanges(result!.events)).toEqual({ update: 1 });
      expect(calls).toEqual([]);
      const resource = await batchResource(stack);
      expect(resource.id).toBe(first.batchId);
      expect(resource.outputs).toMatchObject({ pollIntervalSeconds: 2, status: "completed" });
      expect((await outputValues(stack)).batchId).toBe(first.batchId);
    },
    OP_TIMEOUT,
  );

  test(
    "moving the file without changing its bytes updates in place and calls no API",
    async () => {
      copyFileSync(requestsPath, join(ws.projectDir, "moved.jsonl"));
      await stack.setConfig(`${PROJECT}:inputFile`, "moved.jsonl");
      const { result, error, calls } = await emulator.during(() => stack.up());
      expect(error).toBeUndefined();
      expect(userChanges(result!.events)).toEqual({ update: 1 });
      expect(calls).toEqual([]);
      const resource = await batchResource(stack);
      expect(resource.id).toBe(first.batchId);
      expect(resource.outputs).toMatchObject({
        inputFile: "moved.jsonl",
        inputFileId: first.inputFileId,
        inputSha256: sha256(originalBytes),
      });
      await stack.setConfig(`${PROJECT}:inputFile`, "requests.jsonl");
      const back = await emulator.during(() => stack.up());
      expect(back.error).toBeUndefined();
      expect(userChanges(back.result!.events)).toEqual({ update: 1 });
      expect(back.calls).toEqual([]);
    },
    OP_TIMEOUT,
  );

  test(
    "changing the file's bytes replaces the batch: the new one first, then the old file deleted, the finished old batch left alone",
    async () => {
      const changed = Buffer.from(
        originalBytes.toString("utf8").replace("Summarise in five words.", "Summarise in three words."),
      );
      expect(changed.equals(originalBytes)).toBe(false);
      writeFileSync(requestsPath, changed);

      const { result, error, calls } = await emulator.during(() => stack.up());
      expect(error).toBeUndefined();
      expect(result!.result.summary.resourceChanges).toEqual({ replace: 1, same: 1 });
      expect(userChanges(result!.events)).toEqual({
        "create-replacement": 1,
        replace: 1,
        "delete-replaced": 1,
      });

      const outputs = await outputValues(stack);
      expect(outputs).toEqual({
        batchId: expect.stringMatching(BATCH_ID),
        status: "completed",
        outputFileId: expect.stringMatching(FILE_ID),
        requestCounts: { total: 4, completed: 4, failed: 0 },
        inputSha256: sha256(changed),
      });
      const newBatchId = outputs.batchId as string;
      expect(newBatchId).not.toBe(first.batchId);
      const resource = await batchResource(stack);
      const newInputFileId = resource.outputs!.inputFileId as string;
      expect(newInputFileId).not.toBe(first.inputFileId);

      // Create first (then its polls), and only then the old input file deleted; no cancel, since
      // the old batch had finished.
      const described = describeCalls(calls);
      expect(described.slice(0, 4)).toEqual(CREATE_OPENING);
      // The create's marker is deleted as it returns; then the old input file is deleted, and the
      // files are listed for uploads earlier attempts left.
      expect(described.slice(-3)).toEqual([
        expect.stringMatching(MARKER_DELETED),
        `DELETE /v1/files/${first.inputFileId} -> 200`,
        "GET /v1/files -> 200",
      ]);
      expect(new Set(described.slice(4, -3))).toEqual(new Set([`GET /v1/batches/${newBatchId} -> 200`]));

      const batches = await emulator.batches();
      expect(batches.map((b) => [b.id, b.status, b.input_file_id])).toEqual([
        [newBatchId, "completed", newInputFileId],
        [first.batchId, "completed", first.inputFileId],
      ]);
      expect(await emulator.fileExists(first.inputFileId)).toBe(false);
      expect((await emulator.files("batch")).map((f) => f.id)).toEqual([newInputFileId]);
      first = { batchId: newBatchId, inputFileId: newInputFileId };
    },
    OP_TIMEOUT,
  );

  test(
    "destroy deletes the uploaded file and cancels nothing, the batch having finished",
    async () => {
      const { result, error, calls } = await emulator.during(() => stack.destroy());
      expect(error).toBeUndefined();
      expect(result!.result.summary.resourceChanges).toEqual({ delete: 2 });
      expect(describeCalls(calls)).toEqual([
        `DELETE /v1/files/${first.inputFileId} -> 200`,
        "GET /v1/files -> 200",
      ]);
      expect(await stack.resources()).toEqual([]);
      expect(await emulator.files("batch")).toEqual([]);
      expect((await emulator.batches()).map((b) => b.status)).toEqual(["completed", "completed"]);
    },
    OP_TIMEOUT,
  );
});

describeWithEngine("an inline-requests batch whose waitForCompletion is switched", () => {
  const project = "e2e-inline-wait";
  let emulator: TestEmulator;
  let ws: E2eWorkspace;
  let stack: E2eStack;

  beforeAll(async () => {
    emulator = await TestEmulator.start();
    ws = await createWorkspace({ projectName: project, env: emulator.providerEnv() });
    stack = await ws.stack("dev", exampleProgram("inline-requests"));
    await stack.setConfig(`${project}:pollIntervalSeconds`, "1");
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    await ws?.cleanup();
    await emulator?.close();
  });

  test(
    "up waits for the batch and exports its results",
    async () => {
      const { result, error } = await emulator.during(() => stack.up());
      expect(error).toBeUndefined();
      expect(result!.result.summary.resourceChanges).toEqual({ create: 2 });
      const outputs = await outputValues(stack);
      expect(outputs).toEqual({
        batchId: expect.stringMatching(BATCH_ID),
        status: "completed",
        requestCounts: { total: 4, completed: 4, failed: 0 },
        inputFileId: expect.stringMatching(FILE_ID),
        outputFileId: expect.stringMatching(FILE_ID),
        inputSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      const [batch] = await emulator.batches();
      expect(batch).toMatchObject({
        id: outputs.batchId,
        status: "completed",
        input_file_id: outputs.inputFileId,
        output_file_id: outputs.outputFileId,
      });
    },
    OP_TIMEOUT,
  );

  test(
    "turning waitForCompletion off, then on again, updates in place and calls no API",
    async () => {
      const { batchId } = await outputValues(stack);
      for (const wait of ["false", "true"]) {
        await stack.setConfig(`${project}:waitForCompletion`, wait);
        const { result, error, calls } = await emulator.during(() => stack.up());
        expect(error).toBeUndefined();
        expect(userChanges(result!.events)).toEqual({ update: 1 });
        expect(calls).toEqual([]);
        const resource = await batchResource(stack);
        expect(resource.id).toBe(batchId);
        expect(resource.outputs).toMatchObject({ waitForCompletion: wait === "true", status: "completed" });
      }
      expect(userResources(await stack.resources())).toHaveLength(1);
      expect((await emulator.batches()).map((b) => b.id)).toEqual([batchId]);
    },
    OP_TIMEOUT,
  );
});
