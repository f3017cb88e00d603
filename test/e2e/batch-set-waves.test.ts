/**
 * The organization's enqueued-token limit on the real engine, against an emulator that enforces
 * it: a `BatchSet` under `maxEnqueuedTokens` runs its waves one after another in one `pulumi up`
 * without ever going over the limit, and a standalone `Batch` that the API fails with
 * `token_limit_exceeded` is created again once the queue drains.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, expect, test } from "vitest";
import { CREATE_TOKEN_METADATA_KEY } from "../../provider/contract";
import { tallyLines } from "../../provider/cost/tally";
import {
  batchProgram,
  fixturesDir,
  OP_TIMEOUT,
  pollUntil,
  SETUP_TIMEOUT,
  setSpec,
  TestEmulator,
} from "./support/batches";
import { describeWithEngine } from "./support/engine";
import { createWorkspace, type E2eWorkspace, userResources } from "./support/workspace";

const nativeRequire = createRequire(__filename);
const { batchSetProgram } = nativeRequire(join(fixturesDir, "batch-set-program.cjs")) as {
  batchSetProgram(): PulumiFn;
};

const CHAT = "/v1/chat/completions";
const BATCH_TYPE = "pulumi-nodejs:dynamic/openai:Batch";

const request = (id: string, text: string) => ({
  custom_id: id,
  method: "POST",
  url: CHAT,
  body: { model: "gpt-4o-mini", messages: [{ role: "user", content: text }], max_tokens: 5 },
});
const tokensOf = (lines: readonly unknown[]) =>
  tallyLines(
    lines.map((line) => JSON.stringify(line)),
    CHAT,
  ).inputTokens;

/** A batch outside Pulumi that fills the queue exactly; the limit is its tokens. */
const FILLER = Array.from({ length: 30 }, (_, i) => request(`filler-${i}`, `Filler question number ${i}.`));
const LIMIT = tokensOf(FILLER);

describeWithEngine("the enqueued-token limit on the real engine", () => {
  let emulator: TestEmulator;
  let ws: E2eWorkspace;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "batchset-waves-"));
    // Real time: each batch runs about 2 s, so waves and a draining queue take a few seconds.
    emulator = await TestEmulator.start({
      durations: { validatingMs: 200, inProgressMs: 1_500, finalizingMs: 200, cancellingMs: 200 },
      enqueuedTokenLimits: { "gpt-4o-mini": LIMIT },
    });
    ws = await createWorkspace({ projectName: "e2e-waves", env: emulator.providerEnv() });
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    await ws?.cleanup();
    await emulator?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  test(
    "waves under maxEnqueuedTokens complete in one up, each after the one before, never over the limit",
    async () => {
      const requests = Array.from({ length: 90 }, (_, i) =>
        request(`w-${i}`, `Sort ticket ${i} by urgency.`),
      );
      expect(tokensOf(requests)).toBeGreaterThan(2 * LIMIT);
      const stack = await ws.stack("waves", batchSetProgram());
      await stack.setConfig(
        "set",
        JSON.stringify({
          endpoint: CHAT,
          requests,
          maxEnqueuedTokens: LIMIT,
          shardCacheDir: join(dir, "cache"),
          waitForCompletion: true,
          pollIntervalSeconds: 1,
        }),
      );
      const up = await stack.up();
      expect(up.result.summary.result).toBe("succeeded");
      expect(up.result.outputs.waveCount?.value).toBeGreaterThanOrEqual(3);
      expect(up.result.outputs.status?.value).toBe("completed");
      expect(up.result.outputs.requestCounts?.value).toEqual({ total: 90, completed: 90, failed: 0 });
      // No batch ever failed: the queue never went over the limit.
      const batches = await emulator.batches();
      expect(batches.map((b) => b.status)).toEqual(batches.map(() => "completed"));
      // Each wave started after the wave before had completed.
      const children = userResources(await stack.resources()).filter((r) => r.type === BATCH_TYPE);
      const timing = new Map(batches.map((b) => [b.id, b]));
      for (const child of children) {
        const started = timing.get(child.id as string)?.created_at as number;
        for (const dependency of (child.dependencies as string[] | undefined) ?? []) {
          const before = children.find((c) => c.urn === dependency);
          expect(before).toBeDefined();
          expect(timing.get(before?.id as string)?.completed_at as number).toBeLessThanOrEqual(started);
        }
      }
      expect(
        children.filter((c) => ((c.dependencies as string[] | undefined) ?? []).length > 0).length,
      ).toBeGreaterThan(0);
      await stack.destroy();
    },
    OP_TIMEOUT,
  );

  test(
    "a Batch failed with token_limit_exceeded is created again after the queue drains",
    async () => {
      const file = await emulator.client.files.create({
        file: new File([FILLER.map((line) => `${JSON.stringify(line)}\n`).join("")], "filler.jsonl"),
        purpose: "batch",
      });
      const filler = await emulator.client.batches.create({
        input_file_id: file.id,
        endpoint: CHAT,
        completion_window: "24h",
      });
      // The filler holds the queue until the test lets it complete.
      await emulator.emulator.setBatchStatus(filler.id, "in_progress", { stuck: true });
      const stack = await ws.stack("queue", batchProgram());
      await setSpec(stack, {
        prompts: ["Is the queue full?", "Then wait."],
        waitForCompletion: true,
        pollIntervalSeconds: 1,
        waitTimeoutSeconds: 120,
      });
      const running = stack.up();
      const refusedWhileFull = await pollUntil(
        "a batch failed with token_limit_exceeded",
        async () => (await emulator.client.batches.list({ limit: 100 })).data,
        (all) => all.some((b) => b.errors?.data?.[0]?.code === "token_limit_exceeded"),
        OP_TIMEOUT / 2,
      );
      expect(refusedWhileFull.find((b) => b.id === filler.id)?.status).toBe("in_progress");
      await emulator.emulator.setBatchStatus(filler.id, "completed");
      const up = await running;
      expect(up.result.summary.result).toBe("succeeded");
      expect(up.result.outputs.status?.value).toBe("completed");
      const batches = await emulator.batches();
      expect(batches.find((b) => b.id === filler.id)?.status).toBe("completed");
      const id = up.result.outputs.batchId?.value as string;
      const token = batches.find((b) => b.id === id)?.metadata?.[CREATE_TOKEN_METADATA_KEY];
      const attempts = batches.filter((b) => b.metadata?.[CREATE_TOKEN_METADATA_KEY] === token);
      const refused = attempts.filter((b) => b.status === "failed");
      expect(refused.length).toBeGreaterThanOrEqual(1);
      for (const batch of refused) expect(batch.errors?.data?.[0]?.code).toBe("token_limit_exceeded");
      expect(attempts.filter((b) => b.status === "completed").map((b) => b.id)).toEqual([id]);
      await stack.destroy();
    },
    OP_TIMEOUT,
  );
  test(
    "on Azure's fail-fast profile, waves under maxEnqueuedTokens complete without a create ever refused",
    async () => {
      const azure = await TestEmulator.start({
        durations: { validatingMs: 200, inProgressMs: 1_500, finalizingMs: 200, cancellingMs: 200 },
        profile: "azure",
        deployments: { "batch-mini": "gpt-4o-mini" },
        enqueuedTokenLimits: { "batch-mini": LIMIT },
        tokenLimitAtCreate: true,
      });
      const azureWs = await createWorkspace({ projectName: "e2e-waves-azure", env: azure.providerEnv() });
      try {
        const requests = Array.from({ length: 90 }, (_, i) => ({
          ...request(`a-${i}`, `Sort message ${i} by urgency.`),
          url: "/chat/completions",
          body: { ...request(`a-${i}`, `Sort message ${i} by urgency.`).body, model: "batch-mini" },
        }));
        const stack = await azureWs.stack("azure-waves", batchSetProgram());
        await stack.setAllConfig({
          "openai:backend": { value: "azure" },
          "openai:models": { value: JSON.stringify({ "batch-mini": "gpt-4o-mini" }) },
          set: {
            value: JSON.stringify({
              endpoint: "/chat/completions",
              requests,
              maxEnqueuedTokens: LIMIT,
              shardCacheDir: join(dir, "azure-cache"),
              waitForCompletion: true,
              pollIntervalSeconds: 1,
            }),
          },
        });
        const run = await azure.during(() => stack.up());
        expect(run.error).toBeUndefined();
        expect(run.result?.result.outputs.waveCount?.value).toBeGreaterThanOrEqual(3);
        expect(run.result?.result.outputs.requestCounts?.value).toEqual({
          total: 90,
          completed: 90,
          failed: 0,
        });
        const creates = run.calls.filter((call) => call.method === "POST" && call.path === "/v1/batches");
        expect(creates.length).toBe(run.result?.result.outputs.shardCount?.value);
        expect(creates.map((call) => call.status)).toEqual(creates.map(() => 200));
        const batches = await azure.batches();
        expect(batches.map((b) => b.status)).toEqual(batches.map(() => "completed"));
        await stack.destroy();
      } finally {
        await azureWs.cleanup();
        await azure.close();
      }
    },
    OP_TIMEOUT,
  );
});
