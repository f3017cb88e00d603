import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "./repo";

/** Runs `npm pack` of this package (as it would be published) into `dir`; returns the tarball. */
function packInto(dir: string): string {
  const out = execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false" },
  });
  const [info] = JSON.parse(out) as Array<{ filename: string }>;
  if (info === undefined) throw new RangeError(`npm pack printed no package: ${out}`);
  return join(dir, info.filename);
}

/**
 * Packs this package with `npm pack` and extracts it to `<root>/node_modules/pulumi-openai-batch`,
 * as an install puts it: under a `node_modules` folder, which is what makes Pulumi serialize the
 * provider as a `require` of the package. The package's own `node_modules` links to this
 * checkout's, so that its dependencies (`@pulumi/pulumi` among them) are the very ones a program
 * run from this checkout loads. Requires a build (`npm run build`) first. Returns the package's
 * directory.
 */
export function extractPackedPackage(root: string): string {
  const work = mkdtempSync(join(tmpdir(), "pack-"));
  try {
    const tarball = packInto(work);
    execFileSync("tar", ["-xzf", tarball, "-C", work]);
    const modules = join(root, "node_modules");
    mkdirSync(modules, { recursive: true });
    const dir = join(modules, "pulumi-openai-batch");
    renameSync(join(work, "package"), dir);
    symlinkSync(join(REPO_ROOT, "node_modules"), join(dir, "node_modules"), "dir");
    return dir;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Packs this package with `npm pack` (as it would be published) and installs the tarball, with
 * the pinned @pulumi/pulumi, into a fresh project directory, which the caller removes. The
 * tarball's folder is removed here. Dependencies come from npm's cache when they are there.
 */
export function installPackedPackage(prefix = "packed-"): string {
  const work = mkdtempSync(join(tmpdir(), "pack-"));
  try {
    return installTarball(packInto(work), prefix);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function installTarball(tarball: string, prefix: string): string {
  const project = mkdtempSync(join(tmpdir(), prefix));
  const pulumiVersion = (
    require(join(REPO_ROOT, "node_modules", "@pulumi", "pulumi", "package.json")) as { version: string }
  ).version;
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({ name: "consumer", version: "0.0.0", private: true }),
  );
  try {
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
  } catch (error) {
    rmSync(project, { recursive: true, force: true });
    throw error;
  }
  return project;
}
