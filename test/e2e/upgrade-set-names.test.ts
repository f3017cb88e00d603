/**
 * Upgrading the package under a live `BatchSet`, on the real engine: the stack is made by a
 * release that named the children `<set>-<12 hex digits>` (and gave them no alias); with this
 * release, whose children are named after their first custom_id and carry the former name as an
 * alias, the next up creates, replaces and deletes nothing and calls no API. Once for TypeScript's
 * `BatchSet` (the program loads the release) and once for the plugin's (the engine runs the
 * release's plugin from PATH).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, expect, test } from "vitest";
import { fixturesDir, OP_TIMEOUT, SETUP_TIMEOUT, TestEmulator } from "./support/batches";
import { describeWithEngine } from "./support/engine";
import { pathWithPlugin } from "./support/plugin";
import {
  createWorkspace,
  type E2eStack,
  type E2eWorkspace,
  packedPackageDir,
  userChanges,
} from "./support/workspace";

const nativeRequire = createRequire(__filename);
const { batchSetProgram, pluginBatchSetProgram } = nativeRequire(
  join(fixturesDir, "batch-set-program.cjs"),
) as { batchSetProgram(packageDir?: string): PulumiFn; pluginBatchSetProgram(): PulumiFn };

const CHAT = "/v1/chat/completions";
const CUSTOM_IDS = ["doc-1", "doc-2", "doc-3"];

/**
 * A copy of the packed package as the release before readable names: its children are named by
 * the hash of their first custom_id, and carry no alias.
 */
function formerRelease(packed: string, dest: string): string {
  cpSync(packed, dest, { recursive: true, verbatimSymlinks: true });
  const patch = (file: string, from: string, to: string) => {
    const path = join(dest, "dist", "provider", "set", file);
    const text = readFileSync(path, "utf8");
    expect(text).toContain(from);
    writeFileSync(path, text.replace(from, to));
  };
  patch(
    "names.js",
    "function childName(setName, firstCustomId) {",
    "function childName(setName, firstCustomId) {\n    return hashedChildName(setName, firstCustomId);",
  );
  patch("wire.js", "aliases: [{ name: shard.formerName }],", "");
  return dest;
}

/** The names of the set's children in the state. */
async function childNames(stack: E2eStack): Promise<string[]> {
  return (await stack.resources())
    .filter((r) => /:Batch$/.test(r.type) && (r.parent ?? "").includes(":BatchSet::"))
    .map((r) => r.urn.split("::").at(-1) as string)
    .sort();
}

describeWithEngine("upgrading to readable child names under a live BatchSet", () => {
  let emulator: TestEmulator;
  let ws: E2eWorkspace;
  let dir: string;
  let released: string;
  let former: string;
  /** On PATH before anything else: a link to the `bin` folder of the release whose plugin runs. */
  let pluginLink: string;

  const runPluginOf = (release: string) => {
    rmSync(pluginLink, { force: true });
    symlinkSync(join(release, "bin"), pluginLink, "dir");
  };
  const loadPackageFrom = (release: string) => {
    const link = join(ws.nodeModulesDir, "pulumi-openai-batch");
    rmSync(link, { force: true });
    symlinkSync(release, link, "dir");
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "upgrade-set-names-"));
    released = packedPackageDir();
    former = formerRelease(released, join(dir, "former-release"));
    pluginLink = join(dir, "plugin-bin");
    runPluginOf(former);
    // Batches stay validating: the emulator's clock only moves when told.
    emulator = await TestEmulator.start({ manualClock: true });
    ws = await createWorkspace({
      projectName: "e2e-upgrade-names",
      packageUnderTest: { dir: former },
      env: { ...emulator.providerEnv(), PATH: `${pluginLink}${delimiter}${pathWithPlugin()}` },
    });
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    await ws?.cleanup();
    await emulator?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  test.each([
    { flavour: "TypeScript", stackName: "ts", program: (release: string) => batchSetProgram(release) },
    { flavour: "plugin", stackName: "plugin", program: () => pluginBatchSetProgram() },
  ])(
    "$flavour: the children of the former release keep their batches under their new names",
    async ({ stackName, program }) => {
      loadPackageFrom(former);
      runPluginOf(former);
      let stack = await ws.stack(stackName, program(former));
      await stack.setConfig(
        "set",
        JSON.stringify({
          endpoint: CHAT,
          requests: CUSTOM_IDS.map((id) => ({
            custom_id: id,
            body: {
              model: "gpt-4o-mini",
              messages: [{ role: "user", content: `Summarize ${id}.` }],
              max_tokens: 9,
            },
          })),
          maxRequestsPerBatch: 1,
          shardCacheDir: join(dir, `cache-${stackName}`),
        }),
      );
      const first = await stack.up();
      expect(first.result.summary.result).toBe("succeeded");
      const formerNames = await childNames(stack);
      expect(formerNames).toHaveLength(CUSTOM_IDS.length);
      for (const name of formerNames) expect(name).toMatch(/^set-[0-9a-f]{12}$/);
      const ids = [...(first.result.outputs.batchIds!.value as string[])].sort();

      loadPackageFrom(released);
      runPluginOf(released);
      stack = await ws.stack(stackName, program(released));
      const { result, error, calls } = await emulator.during(() => stack.up());
      expect(error).toBeUndefined();
      const changes = userChanges(result!.events);
      expect(Object.keys(changes).sort()).toEqual(["same"]);
      expect(calls).toEqual([]);
      expect(await childNames(stack)).toEqual(CUSTOM_IDS.map((id) => `set-${id}`));
      expect([...(result!.result.outputs.batchIds!.value as string[])].sort()).toEqual(ids);

      const destroy = await stack.destroy();
      expect(destroy.result.summary.result).toBe("succeeded");
    },
    OP_TIMEOUT,
  );
});
