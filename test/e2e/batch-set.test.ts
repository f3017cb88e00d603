/**
 * `BatchSet` on the real engine against the emulator: 120,000 requests split into batches within
 * the limits, stable shards across an edit and an insertion, no API call and no content in the
 * state, and a destroy that cancels every child. The emulator's clock only moves when told, so
 * the batches stay running and the emulator does no work on their requests.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, expect, test } from "vitest";
import { fixturesDir, OP_TIMEOUT, SETUP_TIMEOUT, TestEmulator } from "./support/batches";
import { describeWithEngine } from "./support/engine";
import { createWorkspace, type E2eStack, type E2eWorkspace, userResources } from "./support/workspace";

const nativeRequire = createRequire(__filename);
const { batchSetProgram } = nativeRequire(join(fixturesDir, "batch-set-program.cjs")) as {
  batchSetProgram(): PulumiFn;
};

const BATCH_TYPE = "pulumi-nodejs:dynamic/openai:Batch";
const REQUESTS = 120_000;

function line(i: number, text = `Classify ticket ${i}.`): string {
  return JSON.stringify({
    custom_id: `t-${i}`,
    method: "POST",
    url: "/v1/chat/completions",
    body: { model: "gpt-4o-mini", messages: [{ role: "user", content: text }], max_tokens: 5 },
  });
}

describeWithEngine("BatchSet on the real engine", () => {
  let emulator: TestEmulator;
  let ws: E2eWorkspace;
  let stack: E2eStack;
  let dir: string;
  const lines = Array.from({ length: REQUESTS }, (_, i) => line(i));

  const writeInput = (content: readonly string[]) =>
    writeFileSync(join(dir, "tickets.jsonl"), `${content.join("\n")}\n`);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "batchset-e2e-"));
    writeInput(lines);
    emulator = await TestEmulator.start({ manualClock: true });
    ws = await createWorkspace({ projectName: "e2e-batchset", env: emulator.providerEnv() });
    stack = await ws.stack("big", batchSetProgram());
    await stack.setConfig(
      "set",
      JSON.stringify({
        endpoint: "/v1/chat/completions",
        inputFile: join(dir, "tickets.jsonl"),
        shardCacheDir: join(dir, "cache"),
      }),
    );
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    await ws?.cleanup();
    await emulator?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  async function children() {
    return userResources(await stack.resources()).filter((r) => r.type === BATCH_TYPE);
  }

  test(
    "preview calls no API and writes only the cache; up splits 120,000 requests into 3 or more batches within the limits",
    async () => {
      const preview = await emulator.during(() => stack.preview());
      expect(preview.error).toBeUndefined();
      expect(preview.calls).toEqual([]);
      expect(preview.result?.result.changeSummary.create).toBeGreaterThanOrEqual(4);
      expect(readdirSync(dir).sort()).toEqual(["cache", "tickets.jsonl"]);

      const up = await stack.up();
      expect(up.result.summary.result).toBe("succeeded");
      const batches = await children();
      expect(batches.length).toBeGreaterThanOrEqual(3);
      expect(up.result.outputs.shardCount?.value).toBe(batches.length);
      let total = 0;
      for (const batch of batches) {
        const count = batch.outputs?.requestCount as number;
        expect(count).toBeGreaterThan(0);
        expect(count).toBeLessThanOrEqual(50_000);
        total += count;
      }
      expect(total).toBe(REQUESTS);
      const ids = up.result.outputs.batchIds?.value as string[];
      expect([...ids].sort()).toEqual(batches.map((b) => b.id as string).sort());
      const inEmulator = await emulator.batches();
      expect(inEmulator.map((b) => b.id).sort()).toEqual([...ids].sort());
      // The state holds paths and hashes, never the requests.
      const state = await stack.exportStackText();
      expect(state).not.toContain("Classify ticket");
    },
    OP_TIMEOUT,
  );

  test(
    "an edited line replaces exactly one batch at the next preview",
    async () => {
      const edited = [...lines];
      edited[61_234] = line(61_234, "Classify this edited ticket.");
      writeInput(edited);
      const preview = await stack.preview({ diff: false });
      const summary = preview.result.changeSummary;
      expect(summary.replace).toBe(1);
      expect(summary.create ?? 0).toBe(0);
      expect(summary.delete ?? 0).toBe(0);
      expect(summary.update ?? 0).toBe(0);
    },
    OP_TIMEOUT,
  );

  test(
    "a line inserted at the top touches at most 3 shards",
    async () => {
      writeInput([line(-1, "A new first ticket."), ...lines]);
      const preview = await stack.preview();
      const summary = preview.result.changeSummary;
      const touched = (summary.create ?? 0) + (summary.replace ?? 0);
      expect(touched).toBeGreaterThanOrEqual(1);
      expect(touched).toBeLessThanOrEqual(3);
      expect(summary.same).toBeGreaterThanOrEqual((await children()).length - 3);
    },
    OP_TIMEOUT,
  );

  test(
    "destroy cancels every child and removes the shards the children used from the cache",
    async () => {
      writeInput(lines);
      const ids = (await children()).map((b) => b.id as string);
      const shards = (await children()).map((b) => resolve(ws.projectDir, b.outputs?.inputFile as string));
      expect(shards.length).toBeGreaterThanOrEqual(3);
      expect(shards.every((file) => existsSync(file) && dirname(file) === join(dir, "cache"))).toBe(true);
      const destroy = await stack.destroy();
      expect(destroy.result.summary.result).toBe("succeeded");
      const after = await emulator.batches();
      for (const id of ids) {
        expect(["cancelling", "cancelled"]).toContain(after.find((b) => b.id === id)?.status);
      }
      expect(await children()).toEqual([]);
      // Shards only previews split (the edits above) stay until the prune's age limit.
      expect(shards.filter((file) => existsSync(file))).toEqual([]);
      expect(shards.filter((file) => existsSync(file.replace(/\.jsonl$/, ".origin.json")))).toEqual([]);
    },
    OP_TIMEOUT,
  );
});
