import { mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

/** The root of this repository, found from this file's place in it. */
export const REPO_ROOT = resolve(__dirname, "..", "..");

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
