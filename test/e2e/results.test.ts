/**
 * Results on the real engine: a wait that ends with partial failures and `retryFailedRequests: 1`
 * makes exactly one follow-up batch over exactly the failed requests; `resultsPath` comes back
 * after being deleted without a new batch; a wait that runs out during a follow-up is resumed by
 * the next `up` without another follow-up; without a wait, refresh and up make the follow-up, and
 * refresh and up again write the results; a batch in which every request failed fails `up` and
 * stays in the state; `destroy` during a follow-up attempt cancels it and removes every input
 * file the resource uploaded.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import type { BatchAttempt, BatchUsage } from "../../provider/contract";
import type { FaultRule } from "../../provider/emulator";
import {
  actWhileRunning,
  type BatchSpec,
  batchProgram,
  batchResource,
  OP_TIMEOUT,
  outputValues,
  pollUntil,
  setSpec,
  TestEmulator,
} from "./support/batches";
import { describeWithEngine } from "./support/engine";
import { createWorkspace, type E2eStack, type E2eWorkspace, userChanges } from "./support/workspace";

const PROMPTS = ["one?", "two?", "three?", "four?"];
const FAIL_FIRST_TWO: FaultRule[] = [
  { kind: "request_failure", count: 2, statusCode: 503, errorCode: "server_error" },
];

describeWithEngine("batch results", () => {
  let emulator: TestEmulator | undefined;
  let ws: E2eWorkspace | undefined;
  afterEach(async () => {
    await ws?.cleanup();
    await emulator?.close();
    ws = undefined;
    emulator = undefined;
  });

  async function setUp(project: string, faults: FaultRule[], spec: BatchSpec): Promise<E2eStack> {
    // Batches validate for a second, so that a test can catch a follow-up before it runs.
    emulator = await TestEmulator.start({ faults, durations: { validatingMs: 1_000 } });
    ws = await createWorkspace({ projectName: project, env: emulator.providerEnv() });
    const stack = await ws.stack("dev", batchProgram());
    await setSpec(stack, { prompts: PROMPTS, waitForCompletion: true, pollIntervalSeconds: 1, ...spec });
    return stack;
  }

  test(
    "partial failures with retryFailedRequests 1 make exactly one follow-up over exactly the failed requests",
    async () => {
      const stack = await setUp("e2e-results-retry", FAIL_FIRST_TWO, {
        retryFailedRequests: 1,
        resultsPath: "results.jsonl",
      });
      const up = await stack.up();
      const outputs = await outputValues(stack);
      const attempts = outputs.attempts as BatchAttempt[];
      expect(attempts.map((a) => [a.status, a.requestCounts])).toEqual([
        ["completed", { total: 4, completed: 2, failed: 2 }],
        ["completed", { total: 2, completed: 2, failed: 0 }],
      ]);
      // requestCounts are the first batch's own; the follow-up's start is a progress line.
      expect(outputs.requestCounts).toEqual({ total: 4, completed: 2, failed: 2 });
      expect(up.stdout).toContain(
        `batch: follow-up 1 of 1 (${attempts[1]!.batchId}): 2 requests that did not succeed (server_error 2)`,
      );
      // Usage and cost are summed over both attempts, and each attempt carries its own.
      const { usage, costUsd } = (await batchResource(stack)).outputs as {
        usage?: BatchUsage;
        costUsd?: number;
      };
      const [first, followUp] = attempts as [BatchAttempt, BatchAttempt];
      expect(first.usage?.input_tokens).toBeGreaterThan(0);
      expect(followUp.usage?.input_tokens).toBeGreaterThan(0);
      expect(usage).toMatchObject({
        input_tokens: first.usage!.input_tokens + followUp.usage!.input_tokens,
        output_tokens: first.usage!.output_tokens + followUp.usage!.output_tokens,
        total_tokens: first.usage!.total_tokens + followUp.usage!.total_tokens,
      });
      expect(first.costUsd).toBeGreaterThan(0);
      expect(followUp.costUsd).toBeGreaterThan(0);
      expect(costUsd).toBeCloseTo(first.costUsd! + followUp.costUsd!, 12);
      const batches = await emulator!.batches();
      expect(batches.map((b) => b.id).sort()).toEqual(attempts.map((a) => a.batchId).sort());
      // The follow-up's input is exactly the first two lines the first batch was given, byte for byte.
      const content = async (id: string) => (await emulator!.client.files.content(id)).text();
      const firstInput = (await content(attempts[0]!.inputFileId)).split("\n");
      expect(await content(attempts[1]!.inputFileId)).toBe(`${firstInput[0]}\n${firstInput[1]}\n`);
      expect(firstInput.slice(0, 2).map((line) => JSON.parse(line).custom_id)).toEqual([
        "request-1",
        "request-2",
      ]);
      expect(outputs.resultsSummary).toEqual({
        succeeded: 4,
        failed: 0,
        expired: 0,
        cancelled: 0,
        missing: 0,
        errorCodes: {},
      });
      const records = readFileSync(join(ws!.projectDir, "results.jsonl"), "utf8").trim().split("\n");
      expect(records.map((line) => JSON.parse(line).status)).toEqual([
        "succeeded",
        "succeeded",
        "succeeded",
        "succeeded",
      ]);
    },
    OP_TIMEOUT,
  );

  test(
    "deleting resultsPath and running up restores it, byte for byte, without creating a batch",
    async () => {
      const stack = await setUp("e2e-results-restore", FAIL_FIRST_TWO, { resultsPath: "out/results.jsonl" });
      await stack.up();
      const path = join(ws!.projectDir, "out", "results.jsonl");
      const written = readFileSync(path);
      const outputs = await outputValues(stack);
      expect(createHash("sha256").update(written).digest("hex")).toBe(outputs.resultsSha256);

      rmSync(path);
      const preview = await stack.preview();
      expect(preview.result.changeSummary).toMatchObject({ update: 1 });
      const batchesBefore = (await emulator!.batches()).length;
      const restore = await stack.up();
      expect(userChanges(restore.events)).toEqual({ update: 1 });
      expect(existsSync(path)).toBe(true);
      expect(readFileSync(path).equals(written)).toBe(true);
      expect((await emulator!.batches()).length).toBe(batchesBefore);

      const again = await stack.up();
      expect(userChanges(again.events)).toEqual({ same: 1 });
    },
    OP_TIMEOUT,
  );

  test(
    "a batch in which every request failed fails up and stays in the state with its outputs",
    async () => {
      const stack = await setUp("e2e-results-all-failed", [{ kind: "request_failure", statusCode: 500 }], {});
      const error = await stack.up().then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error?.message).toContain(
        "4 of 4 requests did not succeed (0 succeeded, 4 failed); no request succeeded",
      );
      const resource = await batchResource(stack);
      expect(resource.outputs).toMatchObject({
        status: "completed",
        requestCounts: { total: 4, completed: 0, failed: 4 },
        resultsSummary: { succeeded: 0, failed: 4, errorCodes: { server_error: 4 } },
      });
      expect((await emulator!.batches()).map((b) => b.id)).toEqual([resource.id]);
      const second = await stack.up().then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(second?.message).toContain("no request succeeded");
      expect((await emulator!.batches()).length).toBe(1);
    },
    OP_TIMEOUT,
  );

  test(
    "without waitForCompletion, refresh then up makes the follow-up, and refresh then up again writes the results",
    async () => {
      const stack = await setUp("e2e-results-no-wait", FAIL_FIRST_TWO, {
        retryFailedRequests: 1,
        waitForCompletion: false,
        resultsPath: "results.jsonl",
      });
      const target = emulator!;
      const finished = async (count: number) =>
        pollUntil(
          `${count} finished batches`,
          () => target.batches(),
          (batches) => batches.length === count && batches.every((b) => b.status === "completed"),
        );
      await stack.up();
      await finished(1);
      await stack.refresh();
      const submitted = await stack.up();
      expect(userChanges(submitted.events)).toEqual({ update: 1 });
      const running = (await outputValues(stack)).attempts as BatchAttempt[];
      expect(running).toHaveLength(2);
      expect(running[1]!.batchId).not.toBe(running[0]!.batchId);
      expect(existsSync(join(ws!.projectDir, "results.jsonl"))).toBe(false);

      await finished(2);
      await stack.refresh();
      const settled = await stack.up();
      expect(userChanges(settled.events)).toEqual({ update: 1 });
      const outputs = await outputValues(stack);
      expect((outputs.attempts as BatchAttempt[]).map((a) => a.status)).toEqual(["completed", "completed"]);
      expect(outputs.resultsSummary).toMatchObject({ succeeded: 4, failed: 0 });
      const records = readFileSync(join(ws!.projectDir, "results.jsonl"), "utf8").trim().split("\n");
      expect(records.map((line) => JSON.parse(line).status)).toEqual([
        "succeeded",
        "succeeded",
        "succeeded",
        "succeeded",
      ]);
      const again = await stack.up();
      expect(userChanges(again.events)).toEqual({ same: 1 });
      expect((await target.batches()).length).toBe(2);
    },
    OP_TIMEOUT,
  );

  /**
   * Runs an `up` whose wait runs out during the follow-up batch: once the follow-up is created,
   * it is held `in_progress`. Returns the up's error and the follow-up's id.
   */
  async function upUntilFollowUpStuck(
    stack: E2eStack,
  ): Promise<{ error: Error | undefined; followUp: string | undefined }> {
    const target = emulator!;
    target.emulator.clearCalls();
    const created = () =>
      target.emulator
        .calls()
        .filter((c) => c.method === "POST" && c.path === "/v1/batches" && c.status === 200).length;
    let followUp: string | undefined;
    const error = await actWhileRunning(
      stack.up().then(
        () => undefined,
        (e: unknown) => e as Error,
      ),
      "the follow-up batch's create",
      () => created() >= 2,
      async () => {
        const [newest] = await target.batches();
        followUp = newest?.id;
        await target.emulator.setBatchStatus(followUp as string, "in_progress", { stuck: true });
      },
    );
    return { error, followUp };
  }

  test(
    "a wait that runs out during a follow-up fails up; the next up resumes that follow-up and makes no other",
    async () => {
      const stack = await setUp("e2e-results-resume", FAIL_FIRST_TWO, {
        retryFailedRequests: 1,
        waitTimeoutSeconds: 4,
      });
      const target = emulator!;
      const { error, followUp } = await upUntilFollowUpStuck(stack);
      expect(error?.message).toContain(`Follow-up batch ${followUp} (attempt 2 of batch`);
      expect(error?.message).toContain("resumes waiting for this follow-up, without making another");

      await target.emulator.setBatchStatus(followUp as string, "in_progress", { stuck: false });
      await stack.up();
      const outputs = await outputValues(stack);
      const attempts = outputs.attempts as BatchAttempt[];
      expect(attempts.map((a) => [a.status, a.requestCounts?.total])).toEqual([
        ["completed", 4],
        ["completed", 2],
      ]);
      expect(attempts[1]!.batchId).toBe(followUp);
      expect(outputs.resultsSummary).toMatchObject({ succeeded: 4, failed: 0 });
      expect((await target.batches()).length).toBe(2);
    },
    OP_TIMEOUT,
  );

  test(
    "destroy during a follow-up attempt cancels it and deletes every uploaded input file",
    async () => {
      const stack = await setUp("e2e-results-destroy", FAIL_FIRST_TWO, {
        retryFailedRequests: 1,
        waitTimeoutSeconds: 4,
      });
      const target = emulator!;
      const { error, followUp } = await upUntilFollowUpStuck(stack);
      expect(followUp).toBeDefined();
      expect(error?.message).toContain(`Follow-up batch ${followUp} (attempt 2 of batch`);
      const resource = await batchResource(stack);
      expect((resource.outputs!.attempts as BatchAttempt[]).map((a) => a.batchId)[1]).toBe(followUp);

      await stack.destroy();
      expect((await target.batch(followUp as string)).status).toMatch(/^cancell/);
      // Every input file the resource uploaded, the follow-up's included, is gone.
      expect((await target.files("batch")).map((file) => file.filename)).toEqual([]);
    },
    OP_TIMEOUT,
  );
});
