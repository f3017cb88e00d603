/**
 * A `BatchSet`'s results on the real engine against the emulator, with per-request failures from
 * the emulator's fault rules: `resultsPath` holds every request of the set in input order; deleted,
 * it comes back with the next `pulumi up` without a new batch; and a share of failures over the
 * set's `maxFailedRatio` fails `up` with the counts, the error codes and where the results are.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, expect, test } from "vitest";
import { fixturesDir, OP_TIMEOUT, pollUntil, SETUP_TIMEOUT, TestEmulator } from "./support/batches";
import { describeWithEngine } from "./support/engine";
import { createWorkspace, type E2eStack, type E2eWorkspace, userChanges } from "./support/workspace";

const nativeRequire = createRequire(__filename);
const { batchSetProgram } = nativeRequire(join(fixturesDir, "batch-set-program.cjs")) as {
  batchSetProgram(): PulumiFn;
};

const BATCH_TYPE = "pulumi-nodejs:dynamic/openai:Batch";
const REQUESTS = 30;
const FAILED = 3;
const requests = Array.from({ length: REQUESTS }, (_, i) => ({
  custom_id: `q-${i}`,
  method: "POST",
  url: "/v1/chat/completions",
  body: { model: "gpt-4o-mini", messages: [{ role: "user", content: `Question ${i}?` }], max_tokens: 5 },
}));

describeWithEngine("BatchSet results on the real engine", () => {
  let emulator: TestEmulator;
  let ws: E2eWorkspace;
  let stack: E2eStack;
  let dir: string;

  const setConfig = (extra: Record<string, unknown>) =>
    stack.setConfig(
      "set",
      JSON.stringify({
        endpoint: "/v1/chat/completions",
        requests,
        maxRequestsPerBatch: 10,
        shardCacheDir: join(dir, "cache"),
        waitForCompletion: true,
        pollIntervalSeconds: 1,
        resultsPath: "out/results.jsonl",
        ...extra,
      }),
    );

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "batchset-results-"));
    emulator = await TestEmulator.start({
      faults: [{ kind: "request_failure", count: FAILED, statusCode: 400, errorCode: "invalid_prompt" }],
      durations: { validatingMs: 100, inProgressMs: 300, finalizingMs: 100 },
    });
    ws = await createWorkspace({ projectName: "e2e-batchset-results", env: emulator.providerEnv() });
    stack = await ws.stack("dev", batchSetProgram());
    await setConfig({ maxFailedRatio: 0.5 });
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    await ws?.cleanup();
    await emulator?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const resultsFile = () => join(ws.projectDir, "out", "results.jsonl");
  const children = async () =>
    (await stack.exportStack()).deployment.resources.filter((r: { type: string }) => r.type === BATCH_TYPE);

  test(
    "resultsPath holds every request of the set in input order, and resultsSummary counts the whole set",
    async () => {
      const up = await stack.up();
      expect(up.result.summary.result).toBe("succeeded");
      expect(up.result.outputs.shardCount?.value).toBeGreaterThanOrEqual(3);
      const written = readFileSync(resultsFile());
      const records = written
        .toString("utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as { custom_id: string; line: number; status: string });
      expect(records.map((r) => r.custom_id)).toEqual(requests.map((r) => r.custom_id));
      expect(records.map((r) => r.line)).toEqual(requests.map((_, i) => i + 1));
      expect(records.filter((r) => r.status === "failed").length).toBe(FAILED);
      expect(up.result.outputs.resultsSummary?.value).toEqual({
        succeeded: REQUESTS - FAILED,
        failed: FAILED,
        expired: 0,
        cancelled: 0,
        missing: 0,
        errorCodes: { invalid_prompt: FAILED },
      });
      expect(up.result.outputs.resultsSha256?.value).toBe(createHash("sha256").update(written).digest("hex"));
    },
    OP_TIMEOUT,
  );

  test(
    "deleting resultsPath and running up restores it, byte for byte, without creating a batch",
    async () => {
      const written = readFileSync(resultsFile());
      rmSync(resultsFile());
      const batchesBefore = (await emulator.batches()).length;
      const restore = await stack.up();
      expect(userChanges(restore.events)).toMatchObject({ update: 1 });
      expect(existsSync(resultsFile())).toBe(true);
      expect(readFileSync(resultsFile()).equals(written)).toBe(true);
      expect((await emulator.batches()).length).toBe(batchesBefore);
      const again = await stack.up();
      expect(userChanges(again.events).update ?? 0).toBe(0);
    },
    OP_TIMEOUT,
  );

  test(
    "a share of failures over the set's maxFailedRatio fails up, naming the counts and the results, and keeps every batch",
    async () => {
      const ids = (await children()).map((r: { id?: string }) => r.id).sort();
      await setConfig({ maxFailedRatio: 0.05 });
      const error = await stack.up().then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error?.message).toContain(
        `Batch set set: ${FAILED} of ${REQUESTS} requests did not succeed (${REQUESTS - FAILED} succeeded, ${FAILED} failed); that is 10%, more than maxFailedRatio 0.05 allows.`,
      );
      expect(error?.message).toContain("invalid_prompt ×3 (e.g. q-");
      expect(error?.message).toContain("Full results: out/results.jsonl.");
      expect((await children()).map((r: { id?: string }) => r.id).sort()).toEqual(ids);
      expect((await emulator.batches()).length).toBe(ids.length);
    },
    OP_TIMEOUT,
  );

  test(
    "a set that does not wait joins its results in the first up --refresh after every batch has finished",
    async () => {
      const later = await ws.stack("later", batchSetProgram());
      await later.setConfig(
        "set",
        JSON.stringify({
          endpoint: "/v1/chat/completions",
          requests,
          maxRequestsPerBatch: 10,
          shardCacheDir: join(dir, "cache"),
          resultsPath: "out/later.jsonl",
        }),
      );
      const path = join(ws.projectDir, "out", "later.jsonl");
      const up = await later.up();
      const ids = up.result.outputs.batchIds?.value as string[];
      expect(up.result.outputs.resultsSummary?.value).toBeUndefined();
      expect(existsSync(path)).toBe(false);
      await pollUntil(
        "every batch of the set to complete",
        async () => Promise.all(ids.map((id) => emulator.batch(id))),
        (batches) => batches.every((b) => b.status === "completed"),
        OP_TIMEOUT / 2,
      );
      const refreshed = await later.up({ refresh: true });
      // The fault rule's failures went to whichever stack ran first.
      const summary = refreshed.result.outputs.resultsSummary?.value as { succeeded: number; failed: number };
      expect(summary.succeeded + summary.failed).toBe(REQUESTS);
      const records = readFileSync(path, "utf8").trim().split("\n");
      expect(records.map((line) => JSON.parse(line).custom_id)).toEqual(requests.map((r) => r.custom_id));
      expect((await emulator.batches()).filter((b) => ids.includes(b.id)).length).toBe(ids.length);
      await later.destroy();
    },
    OP_TIMEOUT,
  );
});
