/**
 * The generated Go SDK (sdk/go) driving the plugin: an Automation API inline program in Go
 * (github.com/pulumi/pulumi/sdk/v3 from the module proxy; the fixture module's go.mod points the
 * SDK at sdk/go) runs up with a wait, refresh and destroy against the emulator.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { fixturesDir, TestEmulator } from "./support/batches";
import { describeWithEngine } from "./support/engine";
import { describeWithTool, engineEnv, run } from "./support/languages";

const API_KEY = `sk-go-${randomBytes(16).toString("hex")}`;

interface Step {
  step: string;
  result: string;
  changes: Record<string, number>;
  outputs?: Record<string, unknown>;
}

describeWithEngine("the Go SDK", () => {
  describeWithTool("go", "an Automation API inline program in Go", () => {
    let emulator: TestEmulator;
    let root: string;
    let program: string;

    beforeAll(async () => {
      emulator = await TestEmulator.start({ apiKey: API_KEY });
      root = mkdtempSync(join(tmpdir(), "pulumi-openai-batch-go-"));
      for (const dir of ["home", "backend", "work"]) mkdirSync(join(root, dir));
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
      const { result, error } = await emulator.during(() =>
        run(program, [], {
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
      expect(up?.outputs?.requestCounts).toEqual({ total: 2, completed: 2, failed: 0 });
      expect(String(up?.outputs?.outputFileId)).toMatch(/^file-/);
      expect(destroy?.changes).toEqual({ delete: 2 });
      const batch = await emulator.batch(String(up?.outputs?.batchId));
      expect(batch.status).toBe("completed");
      expect(batch.metadata?.team).toBe("search");
      expect(await emulator.files("batch")).toEqual([]);
    }, 600_000);
  });
});
