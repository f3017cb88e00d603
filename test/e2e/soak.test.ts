/**
 * A fault soak on the real engine: while the emulator fails calls at a steady rate (429, 500, 500
 * after doing the work, dropped connections), a stack of four batches goes through up, replace
 * (changed inputs), refresh and destroy. Any of these may fail; what must hold is that no batch is
 * ever made twice, and that once the faults stop, one clean up and one destroy leave no batch
 * running untracked and no uploaded file behind. Then the same faults where batches finish within
 * a second (so that a create whose answer was lost, or a create run again, finds its batch
 * finished): faulted ups of one stack with several seeds, each with inputs of its own, then a
 * clean up, must leave exactly one batch per create token, and the last round's each in the
 * state. That soak runs on OpenAI and on Azure (the emulator's azure profile, the v1 URL form,
 * the `api-key` header, `/chat/completions` lines naming a deployment), with seeds of its own on
 * each. The soaks run side by side. The figures are printed.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, expect, test } from "vitest";
import { CREATE_TOKEN_METADATA_KEY } from "../../provider/contract";
import type { FaultRule } from "../../provider/emulator";
import { isMarkerOf } from "../../provider/policy/in-flight";
import { fixturesDir, OP_TIMEOUT, SETUP_TIMEOUT, TestEmulator } from "./support/batches";
import { describeWithEngine } from "./support/engine";
import { createWorkspace, type E2eStack, type E2eWorkspace, userResources } from "./support/workspace";

const nativeRequire = createRequire(__filename);
const { componentProgram } = nativeRequire(join(fixturesDir, "component-program.cjs")) as {
  componentProgram(): PulumiFn;
};

const PROJECT = "e2e-soak";
const RUNNING = new Set(["validating", "in_progress", "finalizing"]);

/**
 * Each kind of failure on about one call in ten, from its own seeded PRNG; on top, uploads and
 * batch creates are answered 500 after doing the work four times in ten, and with one retry a
 * look-up after them fails often enough that some outcomes stay unknown.
 */
const FAULTS: FaultRule[] = faultsSeeded(81);

/** The soak's faults, each rule's PRNG seeded from `seed`. */
function faultsSeeded(seed: number): FaultRule[] {
  return [
    { kind: "rate_limit", rate: 0.1, seed, retryAfterSeconds: 1 },
    { kind: "server_error", rate: 0.1, seed: seed + 100 },
    { kind: "server_error_after", rate: 0.1, seed: seed + 200 },
    { kind: "drop_connection", rate: 0.1, seed: seed + 300 },
    { method: "POST", path: "/v1/files", kind: "server_error_after", rate: 0.4, seed: seed + 400 },
    { method: "POST", path: "/v1/batches", kind: "server_error_after", rate: 0.4, seed: seed + 500 },
  ];
}

/** The backends of the soak where batches finish within a second, and the seeds of its faulted ups. */
const FAST_SEEDS = { openai: [7, 19, 43], azure: [11, 29, 53] } as const;
type FastBackend = keyof typeof FAST_SEEDS;

/** Real time, and batches that finish 40 ms after they are made: before any look-up after a fault. */
const FAST_DURATIONS = { validatingMs: 10, inProgressMs: 20, finalizingMs: 10 };

/** The stack config that points the program at Azure's v1 API, with lines naming a deployment. */
const AZURE_CONFIG: Record<string, string> = {
  "openai:backend": "azure",
  "openai:models": JSON.stringify({ "batch-mini": "gpt-4o-mini" }),
  endpoint: "/chat/completions",
  model: "batch-mini",
};

interface FastTarget {
  emulator: TestEmulator;
  ws: E2eWorkspace;
  stack: E2eStack;
}

/** An emulator of `backend` whose batches finish within a second, and a stack of four waiting batches on it. */
async function fastTarget(backend: FastBackend): Promise<FastTarget> {
  const emulator =
    backend === "azure"
      ? await TestEmulator.start({
          durations: FAST_DURATIONS,
          profile: "azure",
          deployments: { "batch-mini": "gpt-4o-mini" },
        })
      : await TestEmulator.start({ durations: FAST_DURATIONS });
  const ws = await createWorkspace({
    projectName: `${PROJECT}-fast-${backend}`,
    env: emulator.providerEnv(),
  });
  const stack = await ws.stack("fast", componentProgram());
  await stack.setAllConfig({
    ...(backend === "azure" ? AZURE_CONFIG : {}),
    "openai:maxRetries": "1",
    groups: JSON.stringify([{ name: "fast", batches: 4 }]),
    wait: "true",
  });
  return { emulator, ws, stack };
}

// The two soaks use an emulator and a stack each, and run side by side: most of their time is
// spent waiting out the faults' backoffs.
describeWithEngine("a fault soak: up, replace, refresh and destroy under steady faults", () => {
  let emulator: TestEmulator;
  let ws: E2eWorkspace;
  let stack: E2eStack;
  const fast = new Map<FastBackend, FastTarget>();

  beforeAll(async () => {
    // Batches stay running (the clock only moves when told), so replace and destroy cancel them.
    emulator = await TestEmulator.start({ manualClock: true });
    ws = await createWorkspace({ projectName: PROJECT, env: emulator.providerEnv() });
    stack = await ws.stack("soak", componentProgram());
    await stack.setAllConfig({
      "openai:maxRetries": "1",
      groups: JSON.stringify([{ name: "soak", batches: 4 }]),
      metadata: JSON.stringify({ round: "1" }),
    });
    for (const backend of Object.keys(FAST_SEEDS) as FastBackend[]) {
      fast.set(backend, await fastTarget(backend));
    }
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    await ws?.cleanup();
    await emulator?.close();
    for (const target of fast.values()) {
      await target.ws.cleanup();
      await target.emulator.close();
    }
  });

  /**
   * Running batches of one create token beyond the first: each is a batch made twice. (The clock
   * stands still, so a batch runs until something cancels it; a token may have a second batch only
   * once the first was cancelled.)
   */
  async function duplicateBatches(): Promise<number> {
    const perToken = new Map<string, number>();
    for (const batch of await emulator.batches()) {
      if (!RUNNING.has(batch.status)) continue;
      const token = batch.metadata?.[CREATE_TOKEN_METADATA_KEY] ?? batch.id;
      perToken.set(token, (perToken.get(token) ?? 0) + 1);
    }
    return [...perToken.values()].reduce((sum, count) => sum + count - 1, 0);
  }

  /** What the state records: batch ids, input files and create tokens. */
  async function tracked() {
    const batches = userResources(await stack.resources()).filter((r) => r.type.endsWith(":Batch"));
    return {
      ids: new Set(batches.map((r) => r.id)),
      files: new Set(batches.map((r) => r.outputs?.inputFileId as string | undefined)),
      tokens: batches.map((r) => r.outputs?.__createToken as string),
    };
  }

  /**
   * The figures, and, apart (not asserted), the in-flight markers of resources the state records
   * whose delete failed under the faults: each resource's next delete removes its own.
   */
  async function figures() {
    const state = await tracked();
    const untrackedLive = (await emulator.batches()).filter(
      (b) => RUNNING.has(b.status) && !state.ids.has(b.id),
    );
    const unrecorded = (await emulator.files("batch")).filter((f) => !state.files.has(f.id));
    const isRecordedMarker = (name: string) => state.tokens.some((token) => isMarkerOf(name, token));
    markersOfRecordedResources.push(unrecorded.filter((f) => isRecordedMarker(f.filename)).length);
    return {
      duplicateBatches: await duplicateBatches(),
      untrackedLiveBatches: untrackedLive.length,
      orphanedFiles: unrecorded.filter((f) => !isRecordedMarker(f.filename)).length,
    };
  }
  const markersOfRecordedResources: number[] = [];

  test.concurrent(
    "ends with no duplicate batch, no untracked live batch and no orphaned file",
    async () => {
      const outcomes: Record<string, string> = {};
      let duplicates = 0;
      let unknownOutcomes = 0;
      const faulted = async (name: string, operation: () => Promise<unknown>) => {
        emulator.emulator.setFaults(FAULTS);
        const started = Date.now();
        const { error, calls } = await emulator.during(operation);
        const seconds = Math.round((Date.now() - started) / 1000);
        emulator.emulator.setFaults([]);
        const faults = calls.filter((c) => c.fault !== undefined).length;
        const outcome = error === undefined ? "succeeded" : "failed";
        unknownOutcomes +=
          String((error as Error | undefined)?.message).split("recorded in the state as pending:").length - 1;
        outcomes[name] = `${outcome} in ${seconds} s: ${calls.length} calls, ${faults} faulted`;
        duplicates += await duplicateBatches();
        return faults;
      };

      let faults = await faulted("up", () => stack.up());
      await stack.setConfig("metadata", JSON.stringify({ round: "2" }));
      faults += await faulted("replace", () => stack.up());
      faults += await faulted("refresh", () => stack.refresh());
      faults += await faulted("destroy", () => stack.destroy());
      // The soak did meet faults.
      expect(faults).toBeGreaterThan(0);
      const afterFaults = { duplicateBatches: duplicates };
      // Not asserted: what the failed steps left for the clean run to find.
      const leftByFaults = await figures();

      const up = await emulator.during(() => stack.up());
      expect(up.error).toBeUndefined();
      const afterCleanUp = await figures();

      const destroy = await emulator.during(() => stack.destroy());
      expect(destroy.error).toBeUndefined();
      const afterDestroy = await figures();
      const live = (await emulator.batches()).filter((b) => RUNNING.has(b.status));

      console.log(
        `[soak] ${JSON.stringify({ outcomes, faults, unknownOutcomes, afterFaults, leftByFaults, afterCleanUp, afterDestroy, markersOfRecordedResources }, null, 2)}`,
      );
      expect(afterFaults).toEqual({ duplicateBatches: 0 });
      expect(afterCleanUp).toEqual({ duplicateBatches: 0, untrackedLiveBatches: 0, orphanedFiles: 0 });
      expect(afterDestroy).toEqual({ duplicateBatches: 0, untrackedLiveBatches: 0, orphanedFiles: 0 });
      expect(live).toEqual([]);
      expect(await stack.resources()).toEqual([]);
    },
    OP_TIMEOUT,
  );

  test.concurrent.each(Object.keys(FAST_SEEDS) as FastBackend[])(
    "%s: where batches finish within a second, faulted ups with several seeds, then a clean up: one batch per create token, each in the state",
    async (backend) => {
      const { emulator, stack } = fast.get(backend) as FastTarget;
      const outcomes: Record<string, string> = {};
      // Creates answered 500 after the batch was made: the faults that would make a batch twice
      // did reach the creates (on Azure, calls to /openai/v1/batches, which the emulator logs and
      // matches against fault rules as /v1/batches).
      let createsFailedAfter = 0;
      for (const [round, seed] of FAST_SEEDS[backend].entries()) {
        // Each round has inputs of its own, so that every batch is created (and the last
        // round's replaced) under that round's faults.
        await stack.setConfig("metadata", JSON.stringify({ round: String(round) }));
        emulator.emulator.setFaults(faultsSeeded(seed));
        const { error, calls } = await emulator.during(() => stack.up());
        emulator.emulator.setFaults([]);
        const faulted = calls.filter((c) => c.fault !== undefined).length;
        createsFailedAfter += calls.filter(
          (c) => c.method === "POST" && c.path === "/v1/batches" && c.fault === "server_error_after",
        ).length;
        outcomes[`seed ${seed}`] =
          `${error === undefined ? "succeeded" : "failed"}: ${calls.length} calls, ${faulted} faulted`;
      }
      const up = await emulator.during(() => stack.up());
      expect(up.error).toBeUndefined();

      const batches = await emulator.batches();
      const perToken = new Map<string, number>();
      for (const batch of batches) {
        const token = batch.metadata?.[CREATE_TOKEN_METADATA_KEY] ?? batch.id;
        perToken.set(token, (perToken.get(token) ?? 0) + 1);
      }
      const duplicateBatches = [...perToken.values()].reduce((sum, count) => sum + count - 1, 0);
      // The batches of the last round's create tokens are each in the state (earlier rounds' were
      // replaced, and deleted from it).
      const recorded = userResources(await stack.resources()).filter((r) => r.type.endsWith(":Batch"));
      const tokens = new Set(recorded.map((r) => r.outputs?.__createToken));
      const untracked = batches.filter(
        (b) => tokens.has(b.metadata?.[CREATE_TOKEN_METADATA_KEY]) && !recorded.some((r) => r.id === b.id),
      ).length;
      console.log(
        `[soak, fast, ${backend}] ${JSON.stringify({ outcomes, createsFailedAfter, batches: batches.length, duplicateBatches, untracked }, null, 2)}`,
      );
      expect(createsFailedAfter).toBeGreaterThan(0);
      expect({ duplicateBatches, untracked }).toEqual({ duplicateBatches: 0, untracked: 0 });
      expect(tokens.size).toBe(4);
      expect(recorded.map((r) => r.outputs?.status)).toEqual([
        "completed",
        "completed",
        "completed",
        "completed",
      ]);

      const destroy = await emulator.during(() => stack.destroy());
      expect(destroy.error).toBeUndefined();
      expect(await emulator.files("batch")).toEqual([]);
      expect(await stack.resources()).toEqual([]);
    },
    OP_TIMEOUT,
  );
});
