/**
 * `Batch` resources as children of component resources, on the real engine: one, two and ten
 * children of one component, a component nested in another, and a component that also holds a
 * second custom resource reading a batch's id. Every `up` must finish (each is bounded, so that a
 * hang fails the test rather than the run), and every batch carries a create token of its own that
 * stays the same across runs and across `pulumi up --replace`.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, expect, test } from "vitest";
import { CREATE_TOKEN_METADATA_KEY } from "../../provider/contract";
import { fixturesDir, OP_TIMEOUT, SETUP_TIMEOUT, TestEmulator } from "./support/batches";
import { describeWithEngine } from "./support/engine";
import { createWorkspace, type E2eStack, type E2eWorkspace, userResources } from "./support/workspace";

const nativeRequire = createRequire(__filename);
const { componentProgram } = nativeRequire(join(fixturesDir, "component-program.cjs")) as {
  componentProgram(): PulumiFn;
};

const PROJECT = "e2e-components";
const BATCH_TYPE = "pulumi-nodejs:dynamic/openai:Batch";
/** An `up` of these few small batches takes seconds; one that has not finished by then hangs. */
const HANG_AFTER_MS = 90_000;

interface Layout {
  name: string;
  batches: number;
  nested?: number;
  other?: boolean;
}

describeWithEngine("Batch resources inside component resources", () => {
  let emulator: TestEmulator;
  let ws: E2eWorkspace;

  beforeAll(async () => {
    // A clock that only moves when told: every batch stays running, so a replace can adopt it.
    emulator = await TestEmulator.start({ manualClock: true });
    ws = await createWorkspace({ projectName: PROJECT, env: emulator.providerEnv() });
    ws.writePackage("e2e-smoke-impl", {
      "index.js": readFileSync(join(fixturesDir, "e2e-smoke-impl.cjs"), "utf8"),
    });
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    await ws?.cleanup();
    await emulator?.close();
  });

  async function stackOf(name: string, groups: Layout[]): Promise<E2eStack> {
    const stack = await ws.stack(name, componentProgram());
    await stack.setConfig("groups", JSON.stringify(groups));
    return stack;
  }

  /** Runs `up`, failing (not hanging) when it has not finished within `HANG_AFTER_MS`. */
  async function boundedUp(stack: E2eStack, replace?: string[]) {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error(`pulumi up of stack ${stack.name} did not finish within ${HANG_AFTER_MS} ms`));
      }, HANG_AFTER_MS);
    });
    try {
      return await Promise.race([
        stack.up({ signal: controller.signal, ...(replace === undefined ? {} : { replace }) }),
        hang,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The stack's batches in the state, by URN, with the id and create token each one holds. */
  async function batchesInState(stack: E2eStack) {
    const resources = userResources(await stack.resources()).filter((r) => r.type === BATCH_TYPE);
    return resources
      .map((r) => ({
        urn: r.urn,
        parent: r.parent,
        id: r.id as string,
        createToken: r.outputs?.__createToken as string,
      }))
      .sort((a, b) => (a.urn < b.urn ? -1 : 1));
  }

  /** The create token each of `ids` carries in the emulator. */
  async function tokensInEmulator(ids: string[]): Promise<string[]> {
    const all = await emulator.batches();
    return ids.map((id) => all.find((b) => b.id === id)?.metadata?.[CREATE_TOKEN_METADATA_KEY] as string);
  }

  test(
    "a component with two Batch children finishes, with a batch and a token of its own per child",
    async () => {
      const stack = await stackOf("two", [{ name: "two", batches: 2 }]);
      const run = await boundedUp(stack);
      expect(run.result.summary.result).toBe("succeeded");
      const batches = await batchesInState(stack);
      expect(batches.map((b) => b.urn.split("::").at(-1)).sort()).toEqual(["two-b1", "two-b2"]);
      expect(new Set(batches.map((b) => b.id)).size).toBe(2);
      expect(new Set(batches.map((b) => b.createToken)).size).toBe(2);
      expect(await tokensInEmulator(batches.map((b) => b.id))).toEqual(batches.map((b) => b.createToken));
    },
    OP_TIMEOUT,
  );

  test(
    "one and ten children, nested components and a component with another resource all finish; a second up and a replace keep every token",
    async () => {
      const layouts: Layout[] = [
        { name: "one", batches: 1 },
        { name: "ten", batches: 10 },
        { name: "outer", batches: 2, nested: 2 },
        { name: "mixed", batches: 2, other: true },
      ];
      const stack = await stackOf("many", layouts);
      const first = await boundedUp(stack);
      expect(first.result.summary.result).toBe("succeeded");
      const batches = await batchesInState(stack);
      expect(batches).toHaveLength(1 + 10 + 4 + 2);
      expect(new Set(batches.map((b) => b.id)).size).toBe(batches.length);
      expect(new Set(batches.map((b) => b.createToken)).size).toBe(batches.length);
      expect(await tokensInEmulator(batches.map((b) => b.id))).toEqual(batches.map((b) => b.createToken));
      // The nested batches are children of the inner component; the other resource was created too.
      const inner = batches.filter((b) => b.parent?.endsWith("::outer-inner"));
      expect(inner.map((b) => b.urn.split("::").at(-1)).sort()).toEqual(["outer-inner-b1", "outer-inner-b2"]);
      const outputs = await stack.outputs();
      const ids = outputs.ids!.value as Record<string, string>;
      expect(ids["mixed-other"]).toBe(`hello, ${ids["mixed-0"]}`);
      expect((await emulator.batches()).filter((b) => b.metadata?.[CREATE_TOKEN_METADATA_KEY])).toHaveLength(
        2 + batches.length,
      );

      // A second up changes nothing: the tokens are the same as in the first run.
      const second = await boundedUp(stack);
      expect(second.result.summary.resourceChanges).not.toHaveProperty("create");
      expect(second.result.summary.resourceChanges).not.toHaveProperty("replace");
      expect(await batchesInState(stack)).toEqual(batches);

      // `up --replace` of a running child keeps its token, and starts its batch over: a new batch
      // under the same token, and the old one cancelled.
      const target = batches.find((b) => b.urn.endsWith("::ten-b3"))!;
      const replaced = await boundedUp(stack, [target.urn]);
      expect(replaced.result.summary.resourceChanges).toMatchObject({ replace: 1 });
      const after = (await batchesInState(stack)).find((b) => b.urn === target.urn)!;
      expect(after).toEqual({ ...target, id: expect.not.stringMatching(target.id) });
      expect((await emulator.batch(after.id)).status).toBe("validating");
      expect((await emulator.batch(target.id)).status).toBe("cancelling");
    },
    OP_TIMEOUT,
  );
});
