import { findEngine, missingEngineMessage } from "../../test/support/pulumi-engine";

export interface PulumiEngine {
  /** The directory holding `pulumi` and the dynamic-provider plugin shim. */
  binDir: string;
  version: string;
}

/**
 * The Pulumi CLI that `bash scripts/ensure-pulumi-cli.sh` provides, found by the same rules as the
 * end-to-end tests and without building anything; or why not, when it is missing.
 */
export function findPulumiEngine(env: NodeJS.ProcessEnv = process.env): PulumiEngine | { missing: string } {
  const engine = findEngine(env);
  if (engine === undefined || engine.pathDirs.length !== 1) {
    return { missing: missingEngineMessage().replace(/\n\s*/g, " ") };
  }
  return { binDir: engine.binDir, version: engine.version };
}
