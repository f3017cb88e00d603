/**
 * The generated Python SDK (sdk/python) driving the plugin: an Automation API inline program in
 * Python (pulumi from PyPI at the CLI's version, in a virtual environment the test creates) runs
 * up with a wait, refresh and destroy against the emulator.
 */
import { randomBytes } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { fixturesDir, TestEmulator } from "./support/batches";
import { describeWithEngine, repoRoot } from "./support/engine";
import { describeWithTool, engineEnv, installPythonSdk, pythonWithPulumi, run } from "./support/languages";

const API_KEY = `sk-python-${randomBytes(16).toString("hex")}`;

interface Step {
  step: string;
  result: string;
  changes: Record<string, number>;
  outputs?: Record<string, unknown>;
}

describeWithEngine("the Python SDK", () => {
  describeWithTool("python3", "an Automation API inline program in Python", () => {
    let emulator: TestEmulator;
    let root: string;
    let python: string;

    beforeAll(async () => {
      emulator = await TestEmulator.start({ apiKey: API_KEY });
      root = mkdtempSync(join(tmpdir(), "pulumi-openai-batch-python-"));
      for (const dir of ["home", "backend", "work"]) mkdirSync(join(root, dir));
      python = await pythonWithPulumi();
      // From a copy: pip builds in the source directory.
      cpSync(join(repoRoot, "sdk", "python"), join(root, "sdk-python"), { recursive: true });
      await installPythonSdk(python, join(root, "sdk-python"));
    }, 900_000);

    afterAll(async () => {
      if (root !== undefined) rmSync(root, { recursive: true, force: true });
      await emulator?.close();
    });

    test("creates and waits for a batch, refreshes it and destroys it", async () => {
      const { result, error } = await emulator.during(() =>
        run(python, [join(fixturesDir, "python_plugin_batch.py")], {
          cwd: join(root, "work"),
          env: {
            ...engineEnv(root),
            WORK_DIR: join(root, "work"),
            EMULATOR_URL: emulator.url,
            BATCH_API_KEY: API_KEY,
          },
        }),
      );
      expect(error).toBeUndefined();
      expect(result?.stderr ?? "").not.toContain(API_KEY);
      expect(result?.stdout ?? "").not.toContain(API_KEY);
      expect(result?.code, result?.stderr).toBe(0);
      const steps = (result?.stdout ?? "")
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Step);
      expect(steps.map((s) => [s.step, s.result])).toEqual([
        ["up", "succeeded"],
        ["refresh", "succeeded"],
        ["destroy", "succeeded"],
      ]);
      const [up, , destroy] = steps;
      expect(up?.changes).toEqual({ create: 2 });
      expect(up?.outputs?.status).toBe("completed");
      expect(up?.outputs?.request_counts).toEqual({ total: 2, completed: 2, failed: 0 });
      expect(String(up?.outputs?.output_file_id)).toMatch(/^file-/);
      expect(destroy?.changes).toEqual({ delete: 2 });
      const batch = await emulator.batch(String(up?.outputs?.batch_id));
      expect(batch.status).toBe("completed");
      expect(batch.metadata?.team).toBe("search");
      // The uploaded input file went with the resource.
      expect(await emulator.files("batch")).toEqual([]);
    }, 600_000);
  });
});
