/**
 * One program on the real engine against the emulator's OpenAI and Azure profiles, the backend
 * chosen by the stack config alone: a `Batch` of chat lines with `resultsPath`,
 * `retryFailedRequests` and `maxCostUsd` (priced through `openai:models` on Azure), and a
 * `BatchSet` of 150,000 requests cut by each backend's limits. On Azure, both URL forms (the v1
 * API, and `openai:apiVersion` for the older one): one batch per create token, no file left
 * behind by destroy, and the key nowhere in the state.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, expect, test } from "vitest";
import { CREATE_TOKEN_METADATA_KEY } from "../../provider/contract";
import { fixturesDir, OP_TIMEOUT, SETUP_TIMEOUT, TestEmulator } from "./support/batches";
import { describeWithEngine } from "./support/engine";
import { createWorkspace, type E2eStack, type E2eWorkspace, userResources } from "./support/workspace";

const nativeRequire = createRequire(__filename);
const { backendProgram } = nativeRequire(join(fixturesDir, "backend-program.cjs")) as {
  backendProgram(): PulumiFn;
};

const BATCH_TYPE = "pulumi-nodejs:dynamic/openai:Batch";
const SET_REQUESTS = 150_000;
const PROMPTS = ["What is a batch?", "Why shard?", "What is a deployment?", "Name a colour."];
const RETRIED = { kind: "request_failure", count: 1, statusCode: 500, errorCode: "server_error" } as const;

/** `count` question lines naming `model`. */
function questions(model: string): string {
  const lines: string[] = [];
  for (let i = 0; i < SET_REQUESTS; i++) {
    lines.push(
      JSON.stringify({
        custom_id: `t-${i}`,
        method: "POST",
        url: "/v1/chat/completions",
        body: { model, max_tokens: 2, messages: [{ role: "user", content: `Question ${i}` }] },
      }),
    );
  }
  return `${lines.join("\n")}\n`;
}

interface Backend {
  name: string;
  emulator: TestEmulator;
  ws: E2eWorkspace;
  stack: E2eStack;
  dir: string;
}

describeWithEngine("one program on OpenAI and on Azure, the backend chosen by the stack config", () => {
  const backends: Backend[] = [];
  const root = mkdtempSync(join(tmpdir(), "backends-e2e-"));

  /** A stack of the program on `emulator`; `config` is all that tells the backends apart. */
  async function backend(
    name: string,
    emulator: TestEmulator,
    model: string,
    config: Record<string, string>,
  ): Promise<Backend> {
    const dir = join(root, name);
    const ws = await createWorkspace({ projectName: `e2e-backend-${name}`, env: emulator.providerEnv() });
    const stack = await ws.stack(name, backendProgram());
    const input = join(root, `${name}-questions.jsonl`);
    writeFileSync(input, questions(model));
    await stack.setAllConfig({
      ...config,
      model,
      batch: JSON.stringify({
        endpoint: "/v1/chat/completions",
        prompts: PROMPTS,
        waitForCompletion: true,
        pollIntervalSeconds: 1,
        resultsPath: join(dir, "answers.jsonl"),
        retryFailedRequests: 1,
        maxCostUsd: 1,
      }),
      set: JSON.stringify({
        endpoint: "/v1/chat/completions",
        inputFile: input,
        shardCacheDir: join(dir, "shards"),
      }),
    });
    return { name, emulator, ws, stack, dir };
  }

  beforeAll(async () => {
    // Batches stay validating for an hour, except the Batch's, which the test moves on: the set's
    // 150,000 requests are never run.
    const durations = { validatingMs: 3_600_000 };
    const openai = await TestEmulator.start({ durations, faults: [RETRIED] });
    const azure = await TestEmulator.start({
      durations,
      profile: "azure",
      deployments: { "batch-mini": "gpt-4o-mini" },
      faults: [RETRIED],
    });
    const azureDated = await TestEmulator.start({
      durations,
      profile: "azure",
      deployments: { "batch-mini": "gpt-4o-mini" },
      faults: [RETRIED],
    });
    const models = JSON.stringify({ "batch-mini": "gpt-4o-mini" });
    const prices = JSON.stringify({ "gpt-4o-mini": { input: 0.075, output: 0.3 } });
    backends.push(await backend("openai", openai, "gpt-4o-mini", {}));
    backends.push(
      await backend("azure", azure, "batch-mini", {
        "openai:backend": "azure",
        "openai:models": models,
        "openai:prices": prices,
      }),
    );
    backends.push(
      await backend("azure-dated", azureDated, "batch-mini", {
        "openai:backend": "azure",
        "openai:apiVersion": "2024-10-21",
        "openai:models": models,
        "openai:prices": prices,
      }),
    );
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    for (const { ws, emulator } of backends) {
      await ws.cleanup();
      await emulator.close();
    }
    rmSync(root, { recursive: true, force: true });
  });

  /** Moves the one batch of the Batch on while `up` waits for it; the set's batches stay validating. */
  async function upMovingTheBatch(target: Backend) {
    const { emulator } = target;
    let done = false;
    const mover = (async () => {
      while (!done) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        const small = new Set(
          (await emulator.files("batch")).filter((f) => f.bytes < 4_096).map((f) => f.id),
        );
        for (const batch of await emulator.batches()) {
          if (batch.status === "validating" && small.has(batch.input_file_id)) {
            await emulator.emulator.setBatchStatus(batch.id, "completed");
          }
        }
      }
    })();
    try {
      return await target.stack.up();
    } finally {
      done = true;
      await mover;
    }
  }

  test.each(["openai", "azure", "azure-dated"])(
    "%s: the Batch is priced, retried and joined in input order; the set is cut within the backend's limit",
    async (name) => {
      const target = backends.find((b) => b.name === name) as Backend;
      const up = await upMovingTheBatch(target);
      expect(up.result.summary.result).toBe("succeeded");
      const outputs = up.result.outputs;

      expect(outputs.estimate?.value).toMatchObject({ model: "gpt-4o-mini" });
      expect(outputs.resultsSummary?.value).toMatchObject({ succeeded: PROMPTS.length, failed: 0 });
      expect(outputs.attempts?.value).toHaveLength(2);
      const answers = readFileSync(join(target.dir, "answers.jsonl"), "utf8").trim().split("\n");
      expect(answers.map((line) => JSON.parse(line).custom_id)).toEqual(PROMPTS.map((_, i) => `q-${i + 1}`));

      const children = userResources(await target.stack.resources()).filter(
        (r) => r.type === BATCH_TYPE && r.outputs?.requestCount !== PROMPTS.length,
      );
      const counts = children.map((r) => r.outputs?.requestCount as number);
      expect(counts.reduce((sum, count) => sum + count, 0)).toBe(SET_REQUESTS);
      const most = name === "openai" ? 50_000 : 100_000;
      expect(Math.max(...counts)).toBeLessThanOrEqual(most);
      if (name !== "openai") expect(Math.max(...counts)).toBeGreaterThan(50_000);

      // One batch per create token, and the key nowhere in the state.
      const tokens = (await target.emulator.batches()).map((b) => b.metadata?.[CREATE_TOKEN_METADATA_KEY]);
      expect(new Set(tokens).size).toBe(tokens.length);
      const state = JSON.stringify(await target.stack.exportStack());
      expect(state).not.toContain(target.emulator.apiKey);

      const destroy = await target.stack.destroy();
      expect(destroy.result.summary.result).toBe("succeeded");
      expect(await target.emulator.files("batch")).toEqual([]);
      expect(existsSync(join(target.dir, "answers.jsonl"))).toBe(true);
    },
    OP_TIMEOUT * 3,
  );
});
