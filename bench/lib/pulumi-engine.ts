import { execFileSync } from "node:child_process";
import { accessSync, constants, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { REPO_ROOT } from "../../test/support/repo";

const SHIM = "pulumi-resource-pulumi-nodejs";

export interface PulumiEngine {
  /** The directory holding `pulumi` and the dynamic-provider plugin shim. */
  binDir: string;
  version: string;
}

/**
 * Finds the Pulumi CLI (the Go engine) that `bash scripts/ensure-pulumi-cli.sh` provides, by the
 * same rules and without building anything: a `pulumi` of the installed @pulumi/pulumi version on
 * PATH with the plugin shim beside it, else the script's cache directory. Returns why not, when not.
 */
export function findPulumiEngine(env: NodeJS.ProcessEnv = process.env): PulumiEngine | { missing: string } {
  const version = (
    JSON.parse(
      readFileSync(join(REPO_ROOT, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8"),
    ) as {
      version: string;
    }
  ).version;
  const candidates = (env.PATH ?? "").split(delimiter).filter((dir) => dir !== "");
  const cacheRoot =
    env.PULUMI_OPENAI_BATCH_CACHE ||
    join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "pulumi-openai-batch");
  candidates.push(join(cacheRoot, `pulumi-v${version}`, "bin"));
  for (const dir of candidates) {
    const pulumi = join(dir, "pulumi");
    if (isExecutable(pulumi) && isExecutable(join(dir, SHIM)) && versionOf(pulumi) === version) {
      return { binDir: dir, version };
    }
  }
  return {
    missing: `no Pulumi CLI v${version} (the installed @pulumi/pulumi's version) with its ${SHIM} shim on PATH or in the cache of scripts/ensure-pulumi-cli.sh; build it once with \`bash scripts/ensure-pulumi-cli.sh\` (needs Go, takes a few minutes)`,
  };
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function versionOf(pulumi: string): string | undefined {
  try {
    const out = execFileSync(pulumi, ["version"], {
      encoding: "utf8",
      timeout: 30_000,
      stdio: ["ignore", "pipe", "ignore"],
      env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
    });
    return out.trim().replace(/^v/, "");
  } catch {
    return undefined;
  }
}
