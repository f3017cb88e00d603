/**
 * The one scenario both generated SDKs (Python and Go) run: an Automation API program that does
 * `up` with a wait, `refresh` and `destroy` of two batches against the emulator and prints one
 * JSON line per step. The runner and the checks live here so that both languages are held to the
 * same promises.
 */
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import type { TestEmulator } from "./batches";
import { engineEnv, run } from "./languages";

/** One line of the program's output. */
export interface LifecycleStep {
  step: string;
  result: string;
  changes: Record<string, number>;
  outputs?: Record<string, unknown>;
}

/** A scratch folder with the program's Pulumi home, backend and working folder. */
export function lifecycleRoot(prefix: string): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  for (const dir of ["home", "backend", "work"]) mkdirSync(join(root, dir));
  return root;
}

/**
 * Runs the program against the emulator with `apiKey` and returns its steps, after checking that
 * it exited 0 and printed the key nowhere.
 */
export async function runLifecycle(
  emulator: TestEmulator,
  root: string,
  apiKey: string,
  command: string,
  args: readonly string[],
): Promise<LifecycleStep[]> {
  const { result, error } = await emulator.during(() =>
    run(command, args, {
      cwd: join(root, "work"),
      env: {
        ...engineEnv(root),
        WORK_DIR: join(root, "work"),
        EMULATOR_URL: emulator.url,
        BATCH_API_KEY: apiKey,
      },
    }),
  );
  expect(error).toBeUndefined();
  expect(result?.stderr ?? "").not.toContain(apiKey);
  expect(result?.stdout ?? "").not.toContain(apiKey);
  expect(result?.code, result?.stderr).toBe(0);
  return (result?.stdout ?? "")
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as LifecycleStep);
}

/**
 * The promises of the scenario: two batches created and waited for, refreshed, destroyed, and
 * their uploaded input files gone with them. `name` spells an output's name in the SDK's language.
 */
export async function expectLifecycle(
  emulator: TestEmulator,
  steps: readonly LifecycleStep[],
  name: (camelCase: "batchId" | "requestCounts" | "outputFileId") => string,
): Promise<void> {
  expect(steps.map((s) => [s.step, s.result])).toEqual([
    ["up", "succeeded"],
    ["refresh", "succeeded"],
    ["destroy", "succeeded"],
  ]);
  const [up, , destroy] = steps;
  expect(up?.changes).toEqual({ create: 2 });
  expect(up?.outputs?.status).toBe("completed");
  expect(up?.outputs?.[name("requestCounts")]).toEqual({ total: 2, completed: 2, failed: 0 });
  expect(String(up?.outputs?.[name("outputFileId")])).toMatch(/^file-/);
  expect(destroy?.changes).toEqual({ delete: 2 });
  const batch = await emulator.batch(String(up?.outputs?.[name("batchId")]));
  expect(batch.status).toBe("completed");
  expect(batch.metadata?.team).toBe("search");
  // The uploaded input files went with the resources.
  expect(await emulator.files("batch")).toEqual([]);
}
