/**
 * The generated Go SDK (sdk/go) driving the plugin: an Automation API inline program in Go
 * (github.com/pulumi/pulumi/sdk/v3 from the module proxy; the fixture module's go.mod points the
 * SDK at sdk/go) runs up with a wait, refresh and destroy against the emulator.
 */
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, test } from "vitest";
import { fixturesDir, TestEmulator } from "./support/batches";
import { describeWithEngine } from "./support/engine";
import { describeWithTool, run } from "./support/languages";
import { expectLifecycle, lifecycleRoot, runLifecycle } from "./support/sdk-lifecycle";

const API_KEY = `sk-go-${randomBytes(16).toString("hex")}`;

describeWithEngine("the Go SDK", () => {
  describeWithTool("go", "an Automation API inline program in Go", () => {
    let emulator: TestEmulator;
    let root: string;
    let program: string;

    beforeAll(async () => {
      emulator = await TestEmulator.start({ apiKey: API_KEY });
      root = lifecycleRoot("pulumi-openai-batch-go-");
      program = join(root, "go-plugin-batch");
      const built = await run("go", ["build", "-trimpath", "-o", program, "."], {
        cwd: join(fixturesDir, "go-plugin-batch"),
        env: { GOTOOLCHAIN: "local", GOFLAGS: "-mod=readonly" },
        timeoutMs: 900_000,
      });
      if (built.code !== 0) throw new Error(`go build failed:\n${built.stderr}`);
    }, 900_000);

    afterAll(async () => {
      if (root !== undefined) rmSync(root, { recursive: true, force: true });
      await emulator?.close();
    });

    test("creates and waits for a batch, refreshes it and destroys it", async () => {
      const steps = await runLifecycle(emulator, root, API_KEY, program, []);
      await expectLifecycle(emulator, steps, (name) => name);
    }, 600_000);
  });
});
