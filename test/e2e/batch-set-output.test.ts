/**
 * What one `pulumi up` of a `BatchSet` of 35 batches prints, on the real engine against an
 * emulator whose batches finish in about a second: the children print at most 2 lines each, the
 * set reports where it stands on its own row, and the Diagnostics block holds no per-poll lines.
 * A few requests set no output limit: the set warns about them once, its batches not at all.
 * Once for TypeScript's `BatchSet` (dynamic children) and once for the plugin's (`construct`).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, expect, test } from "vitest";
import { fixturesDir, OP_TIMEOUT, SETUP_TIMEOUT, TestEmulator } from "./support/batches";
import { describeWithEngine } from "./support/engine";
import { pathWithPlugin } from "./support/plugin";
import { createWorkspace, type E2eWorkspace } from "./support/workspace";

const nativeRequire = createRequire(__filename);
const { batchSetProgram, pluginBatchSetProgram } = nativeRequire(
  join(fixturesDir, "batch-set-program.cjs"),
) as { batchSetProgram(): PulumiFn; pluginBatchSetProgram(): PulumiFn };

const CHAT = "/v1/chat/completions";
const CHILDREN = 35;
/** Requests that set no output limit: one in each of the first few batches. */
const UNBOUNDED = 3;

const requests = Array.from({ length: CHILDREN }, (_, i) => ({
  custom_id: `doc-${String(i).padStart(3, "0")}`,
  method: "POST",
  url: CHAT,
  body: {
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: `Summarize document ${i}.` }],
    ...(i < UNBOUNDED ? {} : { max_tokens: 20 }),
  },
}));

/** The lines of an output that name the resource `name` (as the engine prints a row's name). */
function linesNaming(output: string, name: string): string[] {
  return output.split("\n").filter((line) => line.split(/\s+/).includes(name));
}

describeWithEngine("what an up of a 35-batch BatchSet prints", () => {
  let emulator: TestEmulator;
  let ws: E2eWorkspace;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "batchset-output-"));
    emulator = await TestEmulator.start({
      durations: { validatingMs: 200, inProgressMs: 600, finalizingMs: 200, cancellingMs: 200 },
    });
    ws = await createWorkspace({
      projectName: "e2e-set-output",
      env: { ...emulator.providerEnv(), PATH: pathWithPlugin() },
    });
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    await ws?.cleanup();
    await emulator?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  test.each([
    { flavour: "TypeScript", stackName: "ts", program: batchSetProgram },
    { flavour: "plugin", stackName: "plugin", program: pluginBatchSetProgram },
  ])(
    "$flavour: children print at most 2 lines each; the set reports waves, batches, requests on its own row",
    async ({ stackName, program }) => {
      const stack = await ws.stack(stackName, program());
      await stack.setConfig(
        "set",
        JSON.stringify({
          endpoint: CHAT,
          requests,
          maxRequestsPerBatch: 1,
          shardCacheDir: join(dir, stackName),
          waitForCompletion: true,
          pollIntervalSeconds: 1,
        }),
      );
      const up = await stack.up();
      expect(up.result.summary.result).toBe("succeeded");
      expect(up.result.outputs.shardCount?.value).toBe(CHILDREN);
      expect(up.result.outputs.status?.value).toBe("completed");
      const ids = up.result.outputs.batchIds?.value as string[];
      expect(ids).toHaveLength(CHILDREN);

      const output = up.stdout;
      const lines = output.split("\n");
      // What the up prints while it runs, and the Diagnostics block: up to the outputs, without
      // the ticker lines the engine prints while nothing else happens.
      const progress = lines
        .slice(0, lines.indexOf("Outputs:"))
        .filter((line) => line.trim() !== "" && !line.startsWith("@ "));
      const childNames = new Set(
        (await stack.resources())
          .filter((r) => /:Batch$/.test(r.type) && (r.parent ?? "").includes(":BatchSet::"))
          .map((r) => r.urn.split("::").at(-1) as string),
      );
      expect(childNames.size).toBe(CHILDREN);
      const perChild = [...childNames].map((name) => linesNaming(output, name).length);
      const setLines = progress.filter((line) => /\bwave \d+\/\d+: \d+\/\d+ batches done\b/.test(line));
      console.info(
        `[${stackName}] up printed ${lines.length} lines, ${progress.length} before its outputs; the most for one child: ${Math.max(...perChild)}; the set's lines: ${setLines.length}`,
      );
      expect(Math.max(...perChild)).toBeLessThanOrEqual(2);
      // The set's last word, on its row and once in the Diagnostics block: every batch and request done.
      const done = `wave 1/1: ${CHILDREN}/${CHILDREN} batches done, ${CHILDREN}/${CHILDREN} requests done`;
      expect(setLines.filter((line) => line.includes(":BatchSet set ") && line.includes(done))).toHaveLength(
        1,
      );
      // The lines while the batches ran were only shown on the row: the Diagnostics block has the last one alone.
      expect(setLines.filter((line) => line.trim().startsWith("wave ")).map((line) => line.trim())).toEqual([
        done,
      ]);
      // Requests without an output limit: one warning, the set's, on its row and in the Diagnostics block.
      const unbounded = `${UNBOUNDED} of ${CHILDREN} requests in ${UNBOUNDED} of ${CHILDREN} batches set no output limit`;
      expect(output).not.toContain("1 of 1 request sets no output limit");
      const warned = lines.filter((line) => line.includes(unbounded));
      expect(warned.length).toBeGreaterThanOrEqual(1);
      expect(warned.length).toBeLessThanOrEqual(2);
      // Besides the children and the set: the header, the stack's rows and the Diagnostics block's headings.
      expect(progress.length).toBeLessThanOrEqual(2 * CHILDREN + setLines.length + warned.length + 10);

      const destroy = await stack.destroy();
      expect(destroy.result.summary.result).toBe("succeeded");
    },
    OP_TIMEOUT,
  );
});
