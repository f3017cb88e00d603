/**
 * A batch create whose answer is lost (500 after the batch was made) and whose look-up fails too,
 * on the real engine: the resource is recorded in the state under a placeholder id that carries
 * the create token, so that a `destroy` cancels the batch, an `up` with changed inputs replaces
 * it, an `up` with the same inputs adopts it (whatever its status by then), and no batch is left
 * running untracked.
 */
import { expect, test } from "vitest";
import { CREATE_TOKEN_METADATA_KEY } from "../../provider/contract";
import {
  actWhileRunning,
  type BatchSpec,
  batchProgram,
  batchResource,
  OP_TIMEOUT,
  setSpec,
  type TestEmulator,
} from "./support/batches";
import { describeWithEngine } from "./support/engine";
import { withManualClockEmulator } from "./support/suite";
import type { E2eStack, E2eWorkspace } from "./support/workspace";

const PROJECT = "e2e-unknown-outcome";
const RUNNING = new Set(["validating", "in_progress", "finalizing"]);

describeWithEngine("a batch create whose outcome is unknown", () => {
  let emulator: TestEmulator;
  let ws: E2eWorkspace;

  withManualClockEmulator(PROJECT, (parts) => {
    ({ emulator, ws } = parts);
  });

  /** The batches of one stack (told apart by their `run` metadata). */
  async function batchesOf(run: string) {
    return (await emulator.batches()).filter((b) => b.metadata?.run === run);
  }

  /**
   * Runs `up` while the batch create is carried out but answered 500 (held for a moment first),
   * and every look-up of batches after it fails: the up fails with the outcome unknown.
   */
  async function unknownUp(stack: E2eStack) {
    emulator.emulator.setFaults([
      { method: "POST", path: "/v1/batches", kind: "latency", latencyMs: 1500, count: 1 },
      { method: "POST", path: "/v1/batches", kind: "server_error_after", count: 1 },
    ]);
    const created = () =>
      emulator.emulator.calls().some((c) => c.method === "POST" && c.path === "/v1/batches");
    try {
      return await actWhileRunning(
        emulator.during(() => stack.up()),
        "the batch create",
        created,
        async () =>
          emulator.emulator.setFaults([{ method: "GET", path: "/v1/batches", kind: "server_error" }]),
      );
    } finally {
      emulator.emulator.setFaults([]);
    }
  }

  async function stackWith(name: string, spec: BatchSpec): Promise<E2eStack> {
    const stack = await ws.stack(name, batchProgram());
    await stack.setConfig("openai:maxRetries", "1");
    await setSpec(stack, spec);
    return stack;
  }

  /** The failed up left one running batch, recorded in the state under `pending:<its token>`. */
  async function expectRecorded(stack: E2eStack, run: string) {
    const [batch, ...others] = await batchesOf(run);
    expect(others).toEqual([]);
    expect(RUNNING.has(batch!.status)).toBe(true);
    const resource = await batchResource(stack);
    const token = batch!.metadata?.[CREATE_TOKEN_METADATA_KEY];
    expect(resource.id).toBe(`pending:${token}`);
    expect(resource.outputs?.inputFileId).toBe(batch!.input_file_id);
    expect(resource.initErrors).toEqual([
      expect.stringContaining(`recorded in the state as pending:${token}`),
    ]);
    return batch!;
  }

  test(
    "destroy after such a failure cancels the batch and deletes its input file",
    async () => {
      const stack = await stackWith("destroy", { metadata: { run: "destroy" } });
      const failed = await unknownUp(stack);
      expect(failed.error).toBeDefined();
      const batch = await expectRecorded(stack, "destroy");

      const { error } = await emulator.during(() => stack.destroy());
      expect(error).toBeUndefined();
      expect(await stack.resources()).toEqual([]);
      expect((await emulator.batch(batch.id)).status).toMatch(/^cancel/);
      expect(await emulator.fileExists(batch.input_file_id)).toBe(false);
    },
    OP_TIMEOUT,
  );

  test(
    "an up with changed inputs after such a failure replaces the batch and leaves none running untracked",
    async () => {
      const stack = await stackWith("changed", { metadata: { run: "changed" } });
      expect((await unknownUp(stack)).error).toBeDefined();
      const unknown = await expectRecorded(stack, "changed");

      await setSpec(stack, { metadata: { run: "changed", attempt: "2" }, prompts: ["Another question?"] });
      const { error } = await emulator.during(() => stack.up());
      expect(error).toBeUndefined();
      const resource = await batchResource(stack);
      expect(resource.id).not.toBe(unknown.id);
      expect(resource.initErrors).toBeUndefined();
      const running = (await batchesOf("changed")).filter((b) => RUNNING.has(b.status));
      expect(running.map((b) => b.id)).toEqual([resource.id]);
      expect((await emulator.batch(unknown.id)).status).toMatch(/^cancel/);
      const files = (await emulator.files("batch")).map((f) => f.id);
      expect(files).toContain(resource.outputs?.inputFileId);
      expect(files).not.toContain(unknown.input_file_id);
    },
    OP_TIMEOUT,
  );

  test(
    "an up with the same inputs after such a failure adopts the batch, also when it has finished by then",
    async () => {
      const stack = await stackWith("same", { metadata: { run: "same" } });
      expect((await unknownUp(stack)).error).toBeDefined();
      const unknown = await expectRecorded(stack, "same");
      // The batch completes before the next up (this test runs last: the clock moves for all).
      await emulator.emulator.advance(60_000);

      const { error } = await emulator.during(() => stack.up());
      expect(error).toBeUndefined();
      const resource = await batchResource(stack);
      expect(resource.id).toBe(unknown.id);
      expect(resource.initErrors).toBeUndefined();
      expect((await batchesOf("same")).map((b) => [b.id, b.status])).toEqual([[unknown.id, "completed"]]);
      // The batch's input file; the in-flight marker the failed create kept is gone.
      const stackFiles = (await emulator.files("batch")).filter((f) =>
        f.filename.includes(resource.outputs?.__createToken as string),
      );
      expect(stackFiles.map((f) => f.id)).toEqual([unknown.input_file_id]);
    },
    OP_TIMEOUT,
  );
});
