import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/**
 * The root of this repository: the nearest folder above this file whose package.json is this
 * package's (this file also runs compiled, from dist/, for the benchmarks).
 */
export const REPO_ROOT = findRepoRoot(__dirname);

function findRepoRoot(start: string): string {
  for (let dir = start; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "pulumi-openai-batch"
    ) {
      return dir;
    }
  }
  throw new RangeError(`no pulumi-openai-batch package.json above ${start}`);
}

/**
 * A throwaway Pulumi project directory whose node_modules holds `@pulumi/pulumi` and
 * `pulumi-openai-batch` (links to this checkout's build), as an installed project would.
 * Pulumi's dynamic-provider host resolves both from its working directory.
 */
export function linkedProjectDir(prefix = "project-", packageDir = REPO_ROOT): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const modules = join(dir, "node_modules");
  mkdirSync(join(modules, "@pulumi"), { recursive: true });
  symlinkSync(
    join(REPO_ROOT, "node_modules", "@pulumi", "pulumi"),
    join(modules, "@pulumi", "pulumi"),
    "dir",
  );
  mkdirSync(dirname(join(modules, "pulumi-openai-batch")), { recursive: true });
  symlinkSync(packageDir, join(modules, "pulumi-openai-batch"), "dir");
  return dir;
}
