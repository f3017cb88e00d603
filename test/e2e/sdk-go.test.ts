/**
 * Go, as a user's machine has it: examples/go copied into a fresh module whose go.mod requires
 * the SDK module with a `replace` to this checkout's sdk/go, built with `go build`, and run with
 * the Automation API against the emulator, with the plugin archive installed into a fresh Pulumi
 * home (nothing of the checkout on PATH): a `Batch` that waits and writes its results, and a
 * `BatchSet` of three batches or more; then destroy.
 */
import { randomBytes } from "node:crypto";
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { TestEmulator } from "./support/batches";
import { describeWithEngine, repoRoot } from "./support/engine";
import { describeWithTool, engineEnv, homeWithPlugin, lifecycleRoot, run } from "./support/languages";

const API_KEY = `sk-go-${randomBytes(16).toString("hex")}`;
const SDK_MODULE = "github.com/pulumi-openai-batch/pulumi-openai-batch/sdk/go";

interface Summary {
  result?: string;
  changes: Record<string, number>;
  outputs?: Record<string, unknown>;
}

describeWithEngine("the Go SDK, from a fresh module and the installed plugin archive", () => {
  describeWithTool("go", "examples/go as a module of its own", () => {
    let emulator: TestEmulator;
    let root: string;
    let module: string;
    let program: string;

    beforeAll(async () => {
      emulator = await TestEmulator.start({ apiKey: API_KEY });
      root = lifecycleRoot("pulumi-openai-batch-go-");
      await homeWithPlugin(root);
      module = join(root, "work", "go");
      cpSync(join(repoRoot, "examples", "go"), module, { recursive: true });
      const goMod = join(module, "go.mod");
      const text = readFileSync(goMod, "utf8");
      expect(text).toContain(`replace ${SDK_MODULE} => ../../sdk/go`);
      writeFileSync(goMod, text.replace(`=> ../../sdk/go`, `=> ${join(repoRoot, "sdk", "go")}`));
      program = join(root, "openai-batch-go");
      const built = await run("go", ["build", "-trimpath", "-o", program, "."], {
        cwd: module,
        env: { GOTOOLCHAIN: "local", GOFLAGS: "-mod=readonly" },
        timeoutMs: 900_000,
      });
      if (built.code !== 0) throw new Error(`go build failed:\n${built.stderr}`);
    }, 900_000);

    afterAll(async () => {
      if (root !== undefined) rmSync(root, { recursive: true, force: true });
      await emulator?.close();
    });

    test("creates and waits for a Batch and a BatchSet, writes the results, and destroys them", async () => {
      const env = { ...engineEnv(root), OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: emulator.url };
      const deploy = async (command: string): Promise<Summary> => {
        const result = await run(program, [command], { cwd: module, env });
        expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
        expect(`${result.stdout}${result.stderr}`).not.toContain(API_KEY);
        const line = result.stdout
          .split("\n")
          .filter((l) => l.startsWith("{"))
          .at(-1);
        return JSON.parse(line ?? "{}") as Summary;
      };

      const up = await deploy("up");
      expect(up.result).toBe("succeeded");
      const outputs = up.outputs ?? {};
      expect(outputs.summariesStatus).toBe("completed");
      const results = readFileSync(join(module, "results", "summaries.jsonl"), "utf8")
        .trim()
        .split("\n");
      expect(results).toHaveLength(2);
      const batchIds = outputs.ticketsBatchIds as string[];
      expect(batchIds.length).toBeGreaterThanOrEqual(3);
      expect(outputs.ticketsStatus).toBe("completed");
      expect(outputs.ticketsRequestCounts).toEqual({ total: 6, completed: 6, failed: 0 });
      // The stack, the Batch, the set and its batches; no results resource without resultsPath.
      expect(up.changes).toEqual({ create: 3 + batchIds.length });
      expect((await emulator.batch(String(outputs.summariesId))).metadata?.team).toBe("search");

      const destroyed = await deploy("destroy");
      expect(destroyed.result).toBe("succeeded");
      expect(destroyed.changes).toEqual({ delete: 3 + batchIds.length });
      expect(await emulator.files("batch")).toEqual([]);
    }, 600_000);
  });
});
