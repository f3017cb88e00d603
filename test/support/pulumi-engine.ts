/**
 * Locates the real Pulumi engine (the Go CLI), for the end-to-end tests and the benchmarks.
 *
 * It never builds anything: `bash scripts/ensure-pulumi-cli.sh` builds the CLI (from Go modules)
 * into a per-version cache directory. This module looks for it with the same rules as that
 * script: a `pulumi` of the version tools/pulumi-cli/go.mod pins on PATH (with the plugin shim
 * beside it), else the cache directory
 *   ${PULUMI_OPENAI_BATCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-openai-batch}/pulumi-v<version>/bin
 */
import { execFileSync } from "node:child_process";
import { accessSync, constants, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { REPO_ROOT } from "./repo";

export const repoRoot: string = REPO_ROOT;
export const repoNodeModules: string = join(repoRoot, "node_modules");
/** The directory of the installed Node.js SDK; it ships the dynamic-provider plugin shim. */
export const sdkDir: string = join(repoNodeModules, "@pulumi", "pulumi");

export const SHIM_NAME = "pulumi-resource-pulumi-nodejs";
export const BUILD_COMMAND = "bash scripts/ensure-pulumi-cli.sh";

export interface Engine {
  /** The `pulumi` executable. */
  readonly pulumiPath: string;
  /** The directory holding it. */
  readonly binDir: string;
  /** Its version without the leading "v", e.g. "3.259.0": the one tools/pulumi-cli/go.mod pins. */
  readonly version: string;
  /** Where it was found. */
  readonly source: "path" | "cache";
  /**
   * Directories to put first on PATH for the engine's child processes: the CLI's own directory and
   * one holding the `pulumi-resource-pulumi-nodejs` shim (the same directory when the script built it).
   */
  readonly pathDirs: readonly string[];
}

/**
 * The CLI's version: the one tools/pulumi-cli/go.mod pins. The installed @pulumi/pulumi may be
 * older (the dev pin declares the lowest Node.js the package supports), never newer.
 */
export function wantedVersion(): string {
  const goMod = readFileSync(join(repoRoot, "tools", "pulumi-cli", "go.mod"), "utf8");
  const version = /^\s*(?:require\s+)?github\.com\/pulumi\/pulumi\/pkg\/v3\s+v(\d+\.\d+\.\d+)\s*$/m.exec(
    goMod,
  )?.[1];
  if (version === undefined) {
    throw new Error("tools/pulumi-cli/go.mod pins no release of github.com/pulumi/pulumi/pkg/v3");
  }
  return version;
}

/** The cache directory the build script puts the CLI of `version` in. */
export function cacheBinDir(version: string = wantedVersion(), env: NodeJS.ProcessEnv = process.env): string {
  const cacheRoot =
    env.PULUMI_OPENAI_BATCH_CACHE ||
    join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "pulumi-openai-batch");
  return join(cacheRoot, `pulumi-v${version}`, "bin");
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function versionOf(pulumiPath: string): string | undefined {
  try {
    const out = execFileSync(pulumiPath, ["version"], {
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

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function engineAt(pulumiPath: string, version: string, source: Engine["source"]): Engine {
  const binDir = dirname(pulumiPath);
  const pathDirs = isExecutable(join(binDir, SHIM_NAME)) ? [binDir] : [binDir, sdkDir];
  return { pulumiPath, binDir, version, source, pathDirs };
}

/**
 * Finds the engine without building anything; `undefined` when there is none of the pinned version.
 * Like the build script, a `pulumi` on PATH is taken only when the plugin shim lies next to it.
 * `PULUMI_OPENAI_BATCH_ENGINE_DIR` names the engine's directory outright, whatever its version.
 */
export function findEngine(env: NodeJS.ProcessEnv = process.env): Engine | undefined {
  // A CI cell that pairs another SDK version with the built engine names the engine's directory.
  const forced = env.PULUMI_OPENAI_BATCH_ENGINE_DIR;
  if (forced) {
    const pulumiPath = join(forced, "pulumi");
    const forcedVersion = isExecutable(pulumiPath) ? versionOf(pulumiPath) : undefined;
    return forcedVersion === undefined ? undefined : engineAt(pulumiPath, forcedVersion, "cache");
  }
  const version = wantedVersion();
  const fromPath = onPath("pulumi", env);
  if (
    fromPath !== undefined &&
    isExecutable(join(dirname(fromPath), SHIM_NAME)) &&
    versionOf(fromPath) === version
  ) {
    return engineAt(fromPath, version, "path");
  }
  const cached = join(cacheBinDir(version, env), "pulumi");
  if (isExecutable(cached) && versionOf(cached) === version) {
    return engineAt(cached, version, "cache");
  }
  return undefined;
}

/** Why the engine is missing and how to get it. */
export function missingEngineMessage(version: string = wantedVersion()): string {
  return [
    `The end-to-end tests need the Pulumi CLI v${version} (the version tools/pulumi-cli/go.mod pins),`,
    `and none was found on PATH or in ${cacheBinDir(version)}.`,
    `Build it once (from Go modules; needs Go, takes a few minutes) with:`,
    `    ${BUILD_COMMAND}`,
  ].join("\n");
}
