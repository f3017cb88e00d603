/**
 * Upgrading under a live stack, on the real engine: the stack is created by a package that
 * Pulumi serializes by value (not under `node_modules`), which writes exactly the `__provider`
 * text release 0.1.0 wrote, the provider's methods written out. Then the packed package,
 * installed under `node_modules` as users get it, takes the stack over: its `__provider` is a
 * one-line `require` of the package. The next up replaces and updates nothing and calls no API;
 * refresh and destroy work with the installed package on the state the by-value text wrote.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  batchProgram,
  batchResource,
  CREATE_OPENING,
  describeCalls,
  MARKER_DELETED,
  OP_TIMEOUT,
  outputValues,
  SETUP_TIMEOUT,
  setSpec,
  TestEmulator,
} from "./support/batches";
import { describeWithEngine } from "./support/engine";
import {
  createWorkspace,
  type E2eStack,
  type E2eWorkspace,
  packedPackageDir,
  userChanges,
} from "./support/workspace";

const PROJECT = "e2e-upgrade";
/** The `__provider` text release 0.1.0 wrote. */
const RELEASE_0_1_0_TEXT = readFileSync(
  join(__dirname, "..", "serialization", "fixtures", "provider-0.1.0.txt"),
  "utf8",
);
/** The text an installed package writes: one require of its provider module. */
const INSTALLED_TEXT =
  /^exports\.handler = __f0;\nconst provider = require\("pulumi-openai-batch\/dist\/provider\/resource\/serialized-provider\.js"\);\n/;

describeWithEngine("upgrading the package under a live stack", () => {
  let emulator: TestEmulator;
  let ws: E2eWorkspace;
  let stack: E2eStack;
  let installed: string;
  let byValue: string;
  let first: { batchId: string; inputFileId: string; outputs: Record<string, unknown> };

  beforeAll(async () => {
    emulator = await TestEmulator.start({ manualClock: true });
    installed = packedPackageDir();
    // A copy outside any node_modules folder: Pulumi serializes its provider by value.
    byValue = join(mkdtempSync(join(tmpdir(), "e2e-upgrade-")), "package");
    cpSync(installed, byValue, { recursive: true, verbatimSymlinks: true });
    ws = await createWorkspace({
      projectName: PROJECT,
      packageUnderTest: { dir: byValue },
      env: emulator.providerEnv(),
    });
    // The program loads `Batch` from the package the project links, as a user's program would.
    stack = await ws.stack("dev", batchProgram(byValue));
    await setSpec(stack, { metadata: { release: "current" } });
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    await ws?.cleanup();
    await emulator?.close();
    if (byValue !== undefined) rmSync(dirname(byValue), { recursive: true, force: true });
  });

  test(
    "up with the by-value package creates the batch and stores 0.1.0's provider text",
    async () => {
      const { result, error, calls } = await emulator.during(() => stack.up());
      expect(error).toBeUndefined();
      expect(result!.result.summary.resourceChanges).toEqual({ create: 2 });
      expect(describeCalls(calls)).toEqual([...CREATE_OPENING, expect.stringMatching(MARKER_DELETED)]);
      const resource = await batchResource(stack);
      expect(resource.inputs!.__provider).toBe(RELEASE_0_1_0_TEXT);
      expect(resource.outputs!.__provider).toBe(RELEASE_0_1_0_TEXT);
      const outputs = await outputValues(stack);
      expect(outputs.status).toBe("validating");
      first = {
        batchId: outputs.batchId as string,
        inputFileId: outputs.inputFileId as string,
        outputs: resource.outputs!,
      };
    },
    OP_TIMEOUT,
  );

  test(
    "the installed package takes the stack over: up changes nothing, calls no API, and records the short text",
    async () => {
      const link = join(ws.nodeModulesDir, "pulumi-openai-batch");
      rmSync(link);
      symlinkSync(installed, link, "dir");
      stack = await ws.stack("dev", batchProgram(installed));

      const { result, error, calls } = await emulator.during(() => stack.up());
      expect(error).toBeUndefined();
      expect(result!.result.summary.resourceChanges).toEqual({ same: 2 });
      expect(userChanges(result!.events)).toEqual({ same: 1 });
      expect(calls).toEqual([]);

      const resource = await batchResource(stack);
      expect(resource.id).toBe(first.batchId);
      // The engine records the new provider text in the inputs and keeps the outputs as they
      // were; the batch itself is untouched.
      expect(resource.inputs!.__provider).toMatch(INSTALLED_TEXT);
      expect(Buffer.byteLength(resource.inputs!.__provider as string)).toBeLessThan(512);
      expect(resource.outputs!.__provider).toBe(RELEASE_0_1_0_TEXT);
      const { __provider: _before, ...outputsBefore } = first.outputs;
      const { __provider: _after, ...outputsAfter } = resource.outputs!;
      expect(outputsAfter).toEqual(outputsBefore);
      expect((await emulator.batches()).map((b) => [b.id, b.status])).toEqual([
        [first.batchId, "validating"],
      ]);
    },
    OP_TIMEOUT,
  );

  test(
    "the installed package refreshes and destroys what the by-value text created",
    async () => {
      await emulator.emulator.advance(60_000);
      const refresh = await emulator.during(() => stack.refresh());
      expect(refresh.error).toBeUndefined();
      expect(describeCalls(refresh.calls)).toEqual([`GET /v1/batches/${first.batchId} -> 200`]);
      expect((await batchResource(stack)).outputs).toMatchObject({ status: "completed" });

      const destroy = await emulator.during(() => stack.destroy());
      expect(destroy.error).toBeUndefined();
      expect(describeCalls(destroy.calls)).toEqual([
        `DELETE /v1/files/${first.inputFileId} -> 200`,
        "GET /v1/files -> 200",
      ]);
      expect(await stack.resources()).toEqual([]);
      expect(await emulator.files("batch")).toEqual([]);
    },
    OP_TIMEOUT,
  );
});
