import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "./repo";

/**
 * Packs this package with `npm pack` (as it would be published) and installs the tarball, with
 * the pinned @pulumi/pulumi, into a fresh project directory. Dependencies come from npm's cache
 * when they are there.
 */
export function installPackedPackage(prefix = "packed-"): string {
  const packDir = mkdtempSync(join(tmpdir(), "pack-"));
  const packed = JSON.parse(
    execFileSync("npm", ["pack", "--json", "--pack-destination", packDir], {
      cwd: REPO_ROOT,
      encoding: "utf8",
    }),
  ) as { filename: string }[];
  const tarball = join(packDir, packed[0]!.filename);
  const project = mkdtempSync(join(tmpdir(), prefix));
  const pulumiVersion = (
    require(join(REPO_ROOT, "node_modules", "@pulumi", "pulumi", "package.json")) as { version: string }
  ).version;
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({ name: "consumer", version: "0.0.0", private: true }),
  );
  execFileSync(
    "npm",
    [
      "install",
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      "--ignore-scripts",
      tarball,
      `@pulumi/pulumi@${pulumiVersion}`,
    ],
    { cwd: project, stdio: "pipe" },
  );
  return project;
}
