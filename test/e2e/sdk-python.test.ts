/**
 * The generated Python SDK (sdk/python) driving the plugin: an Automation API inline program in
 * Python (pulumi from PyPI at the CLI's version, in a virtual environment the test creates) runs
 * up with a wait, refresh and destroy against the emulator.
 */
import { randomBytes } from "node:crypto";
import { cpSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, test } from "vitest";
import { fixturesDir, TestEmulator } from "./support/batches";
import { describeWithEngine, repoRoot } from "./support/engine";
import { describeWithTool, installPythonSdk, pythonWithPulumi } from "./support/languages";
import { expectLifecycle, lifecycleRoot, runLifecycle } from "./support/sdk-lifecycle";

const API_KEY = `sk-python-${randomBytes(16).toString("hex")}`;

/** An output's name in Python: `batchId` → `batch_id`. */
const snakeCase = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

describeWithEngine("the Python SDK", () => {
  describeWithTool("python3", "an Automation API inline program in Python", () => {
    let emulator: TestEmulator;
    let root: string;
    let python: string;

    beforeAll(async () => {
      emulator = await TestEmulator.start({ apiKey: API_KEY });
      root = lifecycleRoot("pulumi-openai-batch-python-");
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
      const steps = await runLifecycle(emulator, root, API_KEY, python, [
        join(fixturesDir, "python_plugin_batch.py"),
      ]);
      await expectLifecycle(emulator, steps, snakeCase);
    }, 600_000);
  });
});
