/**
 * The real Pulumi engine for the end-to-end suites: `describeWithEngine` runs a suite when the
 * engine is there. A missing engine is a failure, never a quiet skip: each suite then holds one
 * failing test that says how to build the engine. The only way to leave the layer out is to ask for
 * it, with `SKIP_E2E=1`; the suites are then skipped, loudly, and counted in the run's summary.
 * Locating the engine is `test/support/pulumi-engine`.
 */
import { existsSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { describe, it } from "vitest";
import { type Engine, findEngine, missingEngineMessage } from "../../support/pulumi-engine";

export {
  BUILD_COMMAND,
  cacheBinDir,
  type Engine,
  findEngine,
  missingEngineMessage,
  repoNodeModules,
  repoRoot,
  SHIM_NAME,
  sdkDir,
  wantedVersion,
} from "../../support/pulumi-engine";

/** The engine found when this module was loaded, if any. */
export const engine: Engine | undefined = findEngine();

/** Whether the end-to-end layer was left out on purpose (`SKIP_E2E=1`). */
export function e2eSkipRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.SKIP_E2E === "1";
}

/**
 * The engine, or an error explaining how to build it. For use inside tests and hooks (suites declared
 * with `describeWithEngine` only run when it is there).
 */
export function requireEngine(): Engine {
  if (engine === undefined) throw new Error(missingEngineMessage());
  return engine;
}

let warned = false;
function warnSkipped(suite: string): void {
  if (warned) return;
  warned = true;
  const bar = "=".repeat(100);
  console.warn(
    `\n${bar}\nSKIPPING the end-to-end suites (first: "${suite}") because SKIP_E2E=1: the real Pulumi engine is not exercised.\n${bar}\n`,
  );
}

/** What a run without the engine says: how to build it, or how to leave the layer out on purpose. */
export function missingEngineFailure(): string {
  return `${missingEngineMessage()}\nOr leave the end-to-end layer out on purpose with SKIP_E2E=1 (e.g. \`SKIP_E2E=1 npm test\`); a missing engine is a failure otherwise.`;
}

/**
 * `describe` for suites that run against the real engine. With `SKIP_E2E=1` the suite is skipped,
 * loudly. Otherwise, when the engine is missing, the suite holds one failing test carrying the build
 * instructions.
 */
export function describeWithEngine(name: string, fn: () => void): void {
  if (e2eSkipRequested()) {
    warnSkipped(name);
    describe.skip(name, fn);
    return;
  }
  if (engine !== undefined) {
    describe(name, fn);
    return;
  }
  describe(name, () => {
    it("has the Pulumi engine it needs", () => {
      throw new Error(missingEngineFailure());
    });
  });
}

/**
 * A directory `root` such that `root/bin/pulumi` is the engine, as `PulumiCommand.get({ root })`
 * expects; `undefined` when the engine is not in a directory named `bin` (then callers link it).
 */
export function engineRoot(e: Engine): string | undefined {
  return basename(e.binDir) === "bin" && existsSync(join(e.binDir, "pulumi")) ? dirname(e.binDir) : undefined;
}
