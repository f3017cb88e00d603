/**
 * A `pulumi up` killed while it waits, as a CI job's time limit kills it (SIGKILL to the `pulumi`
 * process), on the real engine against an emulator whose clock moves only when the test says so.
 * The provider host the engine started exits within seconds, having made and written nothing more;
 * the batch then finishes, and the next `up` adopts it: one batch per create token, the results
 * written, and nothing left after `destroy`. A deliberate re-run (`up --replace`, or `destroy`
 * then `up`) still makes exactly one new batch. For a `Batch` and for each child of a `BatchSet`.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { afterAll, describe, expect, test } from "vitest";
import { CREATE_TOKEN_METADATA_KEY } from "../../provider/contract";
import {
  actWhileRunning,
  batchProgram,
  batchResource,
  fixturesDir,
  mutating,
  OP_TIMEOUT,
  pollUntil,
  setSpec,
  type TestEmulator,
} from "./support/batches";
import { describeWithEngine } from "./support/engine";
import { childrenNamed, descendantsOf, isRunning } from "./support/processes";
import { withManualClockEmulator } from "./support/suite";
import { type E2eStack, type E2eWorkspace, userResources } from "./support/workspace";

const nativeRequire = createRequire(__filename);
const { batchSetProgram } = nativeRequire(join(fixturesDir, "batch-set-program.cjs")) as {
  batchSetProgram(): PulumiFn;
};

const PROJECT = "e2e-interrupted";
const BATCH_TYPE = "pulumi-nodejs:dynamic/openai:Batch";
/** Long enough for every phase of an emulated batch: moving the clock this far finishes it. */
const FINISH_MS = 60_000;
/** How long the provider hosts may take to exit once the engine is gone (their probe runs every second). */
const EXIT_TIMEOUT_MS = 30_000;

describeWithEngine("an up killed while it waits", () => {
  let emulator: TestEmulator;
  let ws: E2eWorkspace;
  const dir = mkdtempSync(join(tmpdir(), "interrupted-up-"));

  withManualClockEmulator(PROJECT, (parts) => {
    ({ emulator, ws } = parts);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The ids of the batches polled (`GET /v1/batches/<id>`) since the call log was last cleared. */
  const polled = (): Set<string> =>
    new Set(
      emulator.emulator
        .calls()
        .filter((c) => c.method === "GET" && /^\/v1\/batches\/batch_[^/]+$/.test(c.path))
        .map((c) => c.path.slice("/v1/batches/".length)),
    );

  /** How many batches the emulator holds for each create token. */
  async function batchesPerToken(): Promise<Map<string, string[]>> {
    const perToken = new Map<string, string[]>();
    for (const batch of await emulator.batches()) {
      const token = batch.metadata?.[CREATE_TOKEN_METADATA_KEY];
      if (token === undefined) continue;
      perToken.set(token, [...(perToken.get(token) ?? []), batch.id]);
    }
    return perToken;
  }

  /** The create tokens of the stack's `Batch` resources. */
  async function tokensOf(stack: E2eStack): Promise<string[]> {
    return userResources(await stack.resources())
      .filter((r) => r.type === BATCH_TYPE)
      .map((r) => r.outputs?.__createToken as string);
  }

  /**
   * Runs `up` until it waits for `batches` new batches, then kills the `pulumi` process with
   * SIGKILL. Returns once every process the engine started has exited; fails when one is still
   * running after EXIT_TIMEOUT_MS, or when anything was created or deleted after the kill.
   */
  async function killWhileWaiting(stack: E2eStack, batches: number): Promise<void> {
    emulator.emulator.clearCalls();
    const up = stack.up().then(
      () => "finished",
      () => "failed",
    );
    await pollUntil(
      `the up to wait for ${batches} batches`,
      () => polled().size,
      (size) => size >= batches,
      120_000,
    );
    const engines = childrenNamed(process.pid, "pulumi");
    expect(engines).toHaveLength(1);
    const engine = engines[0] as number;
    const started = descendantsOf(engine);
    expect(started.map((p) => p.comm)).toContain("node");
    process.kill(engine, "SIGKILL");
    expect(await up).toBe("failed");
    const killedAt = emulator.emulator.calls().length;
    const left = await pollUntil(
      "the provider hosts to exit once the engine is gone",
      () => started.filter((p) => isRunning(p.pid)),
      (running) => running.length === 0,
      EXIT_TIMEOUT_MS,
    ).catch((error: Error) => error.message);
    const after = mutating(emulator.emulator.calls().slice(killedAt));
    // Never leave a host running when the check fails.
    for (const p of started) if (isRunning(p.pid)) process.kill(p.pid, "SIGKILL");
    expect(left).toEqual([]);
    expect(after).toEqual([]);
    // The killed engine left its lock on the stack.
    await stack.stack.cancel();
  }

  /** Runs `up` (with `options`), finishing each batch it creates once it waits for it. */
  function upFinishing(stack: E2eStack, options: { replace?: string[] } = {}) {
    emulator.emulator.clearCalls();
    return actWhileRunning(
      stack.up(options),
      "the up to wait for its new batch",
      () => polled().size > 0,
      () => emulator.emulator.advance(FINISH_MS),
    );
  }

  describe("a Batch", () => {
    let stack: E2eStack;
    let token: string;
    let firstBatch: string;
    const results = () => join(ws.projectDir, "out", "batch.jsonl");

    test(
      "the provider exits with the engine, and the next up adopts the batch that finished meanwhile",
      async () => {
        stack = await ws.stack("batch", batchProgram());
        await setSpec(stack, {
          waitForCompletion: true,
          pollIntervalSeconds: 1,
          resultsPath: "out/batch.jsonl",
          metadata: { stack: "batch" },
        });
        await killWhileWaiting(stack, 1);
        expect(existsSync(results())).toBe(false);
        await emulator.emulator.advance(FINISH_MS);
        const [made] = [...(await batchesPerToken()).entries()];
        expect(made).toBeDefined();
        [token, [firstBatch = ""]] = made as [string, string[]];
        expect((await emulator.batch(firstBatch)).status).toBe("completed");

        // Were a new batch made, it would be finished too, and counted.
        const up = await upFinishing(stack);
        expect(up.result.summary.result).toBe("succeeded");
        expect(await batchesPerToken()).toEqual(new Map([[token, [firstBatch]]]));
        expect((await batchResource(stack)).id).toBe(firstBatch);
        expect(await tokensOf(stack)).toEqual([token]);
        const records = readFileSync(results(), "utf8").trim().split("\n");
        expect(records.map((line) => JSON.parse(line).custom_id)).toEqual(["request-1", "request-2"]);
        // The first up's input file, which the batch read; no second upload and no marker.
        expect((await emulator.files("batch")).map((f) => f.id)).toEqual([
          (await emulator.batch(firstBatch)).input_file_id,
        ]);
      },
      OP_TIMEOUT,
    );

    test(
      "up --replace of the finished batch makes exactly one new batch",
      async () => {
        const urn = `urn:pulumi:batch::${PROJECT}::${BATCH_TYPE}::batch`;
        const replaced = await upFinishing(stack, { replace: [urn] });
        expect(replaced.result.summary.resourceChanges).toMatchObject({ replace: 1 });
        const ids = (await batchesPerToken()).get(token) ?? [];
        expect(ids).toHaveLength(2);
        const newBatch = ids.find((id) => id !== firstBatch) as string;
        expect((await batchResource(stack)).id).toBe(newBatch);
        expect((await emulator.batch(newBatch)).status).toBe("completed");
        expect(await emulator.files("batch")).toHaveLength(1);
      },
      OP_TIMEOUT,
    );

    test(
      "destroy, then up of the same program makes exactly one new batch; destroy leaves no file",
      async () => {
        await stack.destroy();
        expect(await emulator.files("batch")).toEqual([]);
        await upFinishing(stack);
        expect((await batchesPerToken()).get(token)).toHaveLength(3);
        expect(await tokensOf(stack)).toEqual([token]);
        await stack.destroy();
        expect(await emulator.files("batch")).toEqual([]);
      },
      OP_TIMEOUT,
    );
  });

  test(
    "a BatchSet: the next up adopts each child's finished batch and writes the set's results; destroy leaves no file",
    async () => {
      const stack = await ws.stack("set", batchSetProgram());
      const requests = Array.from({ length: 9 }, (_, i) => ({
        custom_id: `q-${i}`,
        body: { model: "gpt-4o-mini", messages: [{ role: "user", content: `Question ${i}?` }] },
      }));
      await stack.setConfig(
        "set",
        JSON.stringify({
          endpoint: "/v1/chat/completions",
          requests,
          maxRequestsPerBatch: 8,
          shardCacheDir: join(dir, "shards"),
          waitForCompletion: true,
          pollIntervalSeconds: 1,
          resultsPath: "out/set.jsonl",
          metadata: { stack: "set" },
        }),
      );
      const before = new Set((await emulator.batches()).map((b) => b.id));
      await killWhileWaiting(stack, 3);
      await emulator.emulator.advance(FINISH_MS);
      const made = (await emulator.batches()).filter((b) => !before.has(b.id));
      expect(made.map((b) => b.status)).toEqual(["completed", "completed", "completed"]);

      const up = await stack.up();
      expect(up.result.summary.result).toBe("succeeded");
      const perToken = await batchesPerToken();
      const tokens = await tokensOf(stack);
      expect(tokens).toHaveLength(3);
      for (const token of tokens) expect(perToken.get(token)).toHaveLength(1);
      expect((await emulator.batches()).filter((b) => !before.has(b.id)).map((b) => b.id)).toEqual(
        made.map((b) => b.id),
      );
      const records = readFileSync(join(ws.projectDir, "out", "set.jsonl"), "utf8")
        .trim()
        .split("\n");
      expect(records.map((line) => JSON.parse(line).custom_id)).toEqual(requests.map((r) => r.custom_id));
      expect(await emulator.files("batch")).toHaveLength(3);

      await stack.destroy();
      expect(await emulator.files("batch")).toEqual([]);
    },
    OP_TIMEOUT,
  );
});
