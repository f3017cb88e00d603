/**
 * A `BatchSet` in an inline Automation API program that runs in another folder than the
 * workspace's `workDir`, with the defaults a user starts with: a relative `inputFile` (it starts at
 * the program's working directory) and the default shard folder. The provider runs in `workDir`,
 * so the children must be given paths it can resolve from there.
 */
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, expect, test } from "vitest";
import { fixturesDir, OP_TIMEOUT, SETUP_TIMEOUT, TestEmulator } from "./support/batches";
import { describeWithEngine } from "./support/engine";
import { createWorkspace, type E2eStack, type E2eWorkspace } from "./support/workspace";

const nativeRequire = createRequire(__filename);
const { batchSetProgram } = nativeRequire(join(fixturesDir, "batch-set-program.cjs")) as {
  batchSetProgram(): PulumiFn;
};

const BATCH_TYPE = "pulumi-nodejs:dynamic/openai:Batch";
const REQUESTS = 30;

describeWithEngine("BatchSet in an inline program run from another folder", () => {
  let emulator: TestEmulator;
  let ws: E2eWorkspace;
  let stack: E2eStack;
  let caller: string;
  const cwdBefore = process.cwd();

  beforeAll(async () => {
    caller = realpathSync(mkdtempSync(join(tmpdir(), "batchset-caller-")));
    const lines = Array.from({ length: REQUESTS }, (_, i) =>
      JSON.stringify({
        custom_id: `c-${i}`,
        method: "POST",
        url: "/v1/chat/completions",
        body: { model: "gpt-4o-mini", messages: [], max_tokens: 5 },
      }),
    );
    writeFileSync(join(caller, "tickets.jsonl"), `${lines.join("\n")}\n`);
    process.chdir(caller);
    emulator = await TestEmulator.start({
      durations: { validatingMs: 100, inProgressMs: 300, finalizingMs: 100 },
    });
    ws = await createWorkspace({ projectName: "e2e-batchset-inline", env: emulator.providerEnv() });
    stack = await ws.stack("dev", batchSetProgram());
    await stack.setConfig(
      "set",
      JSON.stringify({
        endpoint: "/v1/chat/completions",
        inputFile: "tickets.jsonl",
        maxRequestsPerBatch: 10,
        waitForCompletion: true,
        pollIntervalSeconds: 1,
        retryFailedRequests: 1,
        resultsPath: "out/results.jsonl",
      }),
    );
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    process.chdir(cwdBefore);
    await ws?.cleanup();
    await emulator?.close();
    if (caller !== undefined) rmSync(caller, { recursive: true, force: true });
  });

  test(
    "preview and up find every shard; the children's paths are absolute, under the program's folder; the set's results go to workDir",
    async () => {
      expect(ws.projectDir).not.toBe(caller);
      const preview = await stack.preview();
      expect(preview.result.changeSummary.create).toBeGreaterThanOrEqual(4);
      const up = await stack.up();
      expect(up.result.summary.result).toBe("succeeded");
      expect(up.result.outputs.resultsSummary?.value).toMatchObject({ succeeded: REQUESTS, failed: 0 });
      const children = (await stack.exportStack()).deployment.resources.filter(
        (r: { type: string }) => r.type === BATCH_TYPE,
      ) as { inputs: { inputFile: string; resultsPath: string } }[];
      expect(children.length).toBeGreaterThanOrEqual(3);
      for (const child of children) {
        for (const path of [child.inputs.inputFile, child.inputs.resultsPath]) {
          expect(isAbsolute(path)).toBe(true);
          expect(path.startsWith(join(caller, ".pulumi-openai-batch", "shards"))).toBe(true);
        }
      }
      // The set's own resultsPath is written by the provider, as a Batch's is: from workDir.
      expect(existsSync(join(ws.projectDir, "out", "results.jsonl"))).toBe(true);
      expect(existsSync(join(caller, "out"))).toBe(false);
    },
    OP_TIMEOUT,
  );
});
