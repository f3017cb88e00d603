/**
 * Upgrading the package under a live stack, on the real engine: the stack is created with the
 * packed package, then the package is swapped for another release whose serialized provider text
 * differs. The next up replaces and updates nothing and calls no API; refresh and destroy work
 * with the new release on the state the old one wrote.
 */
import { cpSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
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
const SERIALIZED = join("dist", "provider", "resource", "serialized-provider.js");
/** The harmless statement the next release adds to its serialized provider. */
const MARK = 'void "next-release";';

/**
 * A copy of the packed package as its next release: another version, and a serialized provider
 * whose `check` holds one more statement, so that the text Pulumi stores as `__provider` differs.
 */
function nextRelease(packed: string, dest: string): string {
  cpSync(packed, dest, { recursive: true, verbatimSymlinks: true });
  const serialized = join(dest, SERIALIZED);
  const before = readFileSync(serialized, "utf8");
  const call = 'check: (olds, news) => require("pulumi-openai-batch/runtime").provider.check(olds, news),';
  expect(before).toContain(call);
  writeFileSync(
    serialized,
    before.replace(
      call,
      `check: (olds, news) => { ${MARK} return require("pulumi-openai-batch/runtime").provider.check(olds, news); },`,
    ),
  );
  const manifest = JSON.parse(readFileSync(join(dest, "package.json"), "utf8")) as { version: string };
  writeFileSync(
    join(dest, "package.json"),
    JSON.stringify({ ...manifest, version: `${manifest.version}-next` }),
  );
  return dest;
}

describeWithEngine("upgrading the package under a live stack", () => {
  let emulator: TestEmulator;
  let ws: E2eWorkspace;
  let stack: E2eStack;
  let released: string;
  let next: string;
  let first: { batchId: string; inputFileId: string; outputs: Record<string, unknown> };

  beforeAll(async () => {
    emulator = await TestEmulator.start({ manualClock: true });
    released = packedPackageDir();
    ws = await createWorkspace({
      projectName: PROJECT,
      packageUnderTest: { dir: released },
      env: emulator.providerEnv(),
    });
    next = nextRelease(released, join(ws.root, "next-release"));
    // The program loads `Batch` from the installed release, as a user's program would.
    stack = await ws.stack("dev", batchProgram(released));
    await setSpec(stack, { metadata: { release: "current" } });
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    await ws?.cleanup();
    await emulator?.close();
  });

  test(
    "up with the released package creates the batch",
    async () => {
      const { result, error, calls } = await emulator.during(() => stack.up());
      expect(error).toBeUndefined();
      expect(result!.result.summary.resourceChanges).toEqual({ create: 2 });
      expect(describeCalls(calls)).toEqual([...CREATE_OPENING, expect.stringMatching(MARKER_DELETED)]);
      const resource = await batchResource(stack);
      expect(resource.inputs!.__provider).toEqual(expect.stringContaining("pulumi-openai-batch/runtime"));
      expect(resource.inputs!.__provider).not.toContain(MARK);
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
    "after the upgrade, up changes nothing and calls no API",
    async () => {
      const link = join(ws.nodeModulesDir, "pulumi-openai-batch");
      rmSync(link);
      symlinkSync(next, link, "dir");
      stack = await ws.stack("dev", batchProgram(next));

      const { result, error, calls } = await emulator.during(() => stack.up());
      expect(error).toBeUndefined();
      expect(result!.result.summary.resourceChanges).toEqual({ same: 2 });
      expect(userChanges(result!.events)).toEqual({ same: 1 });
      expect(calls).toEqual([]);

      const resource = await batchResource(stack);
      expect(resource.id).toBe(first.batchId);
      // The engine recorded the new release's provider text; the batch itself is untouched.
      expect(resource.inputs!.__provider).toContain(MARK);
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
    "the new release refreshes and destroys what the old one created",
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
