/**
 * The real Pulumi engine for the end-to-end suites: `describeWithEngine` runs a suite when the
 * engine is there; when it is missing, suites are skipped with a loud message, except under CI
 * (`CI=true`), where a missing engine fails the run. Locating it is `test/support/pulumi-engine`.
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

/** Whether a missing engine must fail the run rather than skip the suites that need it. */
export function engineRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CI === "true";
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
function warnMissing(suite: string): void {
  if (warned) return;
  warned = true;
  const bar = "=".repeat(100);
  console.warn(
    `\n${bar}\nSKIPPING end-to-end suites (first: "${suite}"): no Pulumi engine.\n${missingEngineMessage()}\n${bar}\n`,
  );
}

/**
 * `describe` for suites that run against the real engine. When it is missing: under CI the suite
 * holds one failing test carrying the build instructions; elsewhere the suite is skipped, loudly.
 */
export function describeWithEngine(name: string, fn: () => void): void {
  if (engine !== undefined) {
    describe(name, fn);
    return;
  }
  if (engineRequired()) {
    describe(name, () => {
      it("has the Pulumi engine it needs", () => {
        throw new Error(`${missingEngineMessage()}\n(CI=true: a missing engine is a failure, not a skip.)`);
      });
    });
    return;
  }
  warnMissing(name);
  describe.skipIf(true)(name, fn);
}

/**
 * A directory `root` such that `root/bin/pulumi` is the engine, as `PulumiCommand.get({ root })`
 * expects; `undefined` when the engine is not in a directory named `bin` (then callers link it).
 */
export function engineRoot(e: Engine): string | undefined {
  return basename(e.binDir) === "bin" && existsSync(join(e.binDir, "pulumi")) ? dirname(e.binDir) : undefined;
}
