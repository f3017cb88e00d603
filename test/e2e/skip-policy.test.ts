/**
 * The end-to-end layer can be left out only on purpose. This suite needs no engine: it runs an
 * end-to-end file in a child vitest where no engine can be found, and reads what the run says.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { REPO_ROOT } from "../support/repo";

const VITEST = join(REPO_ROOT, "node_modules", "vitest", "vitest.mjs");
const emptyCache = mkdtempSync(join(tmpdir(), "no-engine-"));
afterAll(() => rmSync(emptyCache, { recursive: true, force: true }));

/** Runs one end-to-end file in a child vitest that cannot find the engine. */
function runWithoutEngine(extra: Record<string, string>): { status: number | null; output: string } {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith("VITEST") && name !== "SKIP_E2E" && name !== "CI") env[name] = value;
  }
  env.PATH = (process.env.PATH ?? "")
    .split(delimiter)
    .filter((dir) => !existsSync(join(dir, "pulumi")))
    .join(delimiter);
  env.PULUMI_OPENAI_BATCH_CACHE = emptyCache;
  env.NO_COLOR = "1";
  const result = spawnSync(process.execPath, [VITEST, "run", "test/e2e/secrets.test.ts"], {
    cwd: REPO_ROOT,
    env: { ...env, ...extra },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

describe("a missing engine never leaves the run green by skipping", () => {
  test('with CI=1 (not exactly "true") and no SKIP_E2E, the run fails and says how to build the engine or skip', () => {
    const { status, output } = runWithoutEngine({ CI: "1" });
    expect(status).toBe(1);
    expect(output).toContain("has the Pulumi engine it needs");
    expect(output).toContain("bash scripts/ensure-pulumi-cli.sh");
    expect(output).toContain("SKIP_E2E=1");
    expect(output).toMatch(/Skipped tests: 0\b/);
  }, 120_000);

  test("with SKIP_E2E=1 the suites are skipped, and the summary counts them", () => {
    const { status, output } = runWithoutEngine({ SKIP_E2E: "1" });
    expect(status).toBe(0);
    expect(output).toContain("SKIPPING the end-to-end suites");
    expect(output).toMatch(/Skipped tests: [1-9]\d* \(e2e [1-9]\d*\) \(SKIP_E2E=1/);
  }, 120_000);
});
