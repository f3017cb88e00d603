/**
 * The package under test as users get it: `npm pack` of the repository, extracted.
 *
 * Packing happens at most once per test run: the result is kept in a temporary directory named after
 * the vitest main process (every worker of one run shares it) and a fingerprint of what gets packed
 * (package.json and the build output), so a rebuild between runs is packed again.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { repoNodeModules, repoRoot } from "./engine";

const PACK_PREFIX = "pulumi-openai-batch-e2e-pack-";
const PACKED_ENTRY = join("dist", "provider", "index.js");

function fingerprint(): string {
  const hash = createHash("sha256");
  const add = (file: string): void => {
    const st = statSync(file);
    hash.update(`${relative(repoRoot, file)}\0${st.size}\0${st.mtimeMs}\n`);
  };
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else add(full);
    }
  };
  add(join(repoRoot, "package.json"));
  walk(join(repoRoot, "dist", "provider"));
  for (const extra of ["README.md", "CHANGELOG.md"]) {
    if (existsSync(join(repoRoot, extra))) add(join(repoRoot, extra));
  }
  return hash.digest("hex").slice(0, 16);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes packs left by earlier runs whose vitest process is gone. */
function removeStalePacks(keep: string): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(PACK_PREFIX) || name === keep) continue;
    const pid = Number(name.slice(PACK_PREFIX.length).split("-")[0]);
    if (Number.isInteger(pid) && pid > 0 && !processAlive(pid)) {
      rmSync(join(tmpdir(), name), { recursive: true, force: true });
    }
  }
}

let packed: string | undefined;

/**
 * Packs the repository with `npm pack` (once per test run) and extracts it. Returns the extracted
 * package directory, whose `node_modules` links to the repository's so that its dependencies
 * (`openai`, `@pulumi/pulumi`) resolve. Requires a build (`npm run build`) first.
 */
export function packedPackageDir(): string {
  if (packed !== undefined && existsSync(packed)) return packed;
  if (!existsSync(join(repoRoot, PACKED_ENTRY))) {
    throw new Error(`${PACKED_ENTRY} is missing: run 'npm run build' before the packed-package tests.`);
  }
  const name = `${PACK_PREFIX}${process.ppid}-${fingerprint()}`;
  const dest = join(tmpdir(), name);
  const pkgDir = join(dest, "package");
  if (!existsSync(join(pkgDir, "package.json"))) {
    removeStalePacks(name);
    const work = mkdtempSync(join(tmpdir(), `${name}.tmp-`));
    try {
      const out = execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work], {
        cwd: repoRoot,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false" },
      });
      const [info] = JSON.parse(out) as Array<{ filename: string }>;
      if (info === undefined) throw new Error(`npm pack printed no package: ${out}`);
      execFileSync("tar", ["-xzf", join(work, info.filename), "-C", work]);
      rmSync(join(work, info.filename));
      symlinkSync(repoNodeModules, join(work, "package", "node_modules"), "dir");
      try {
        renameSync(work, dest);
      } catch (err) {
        // Another worker of this run got there first: use its copy.
        if (!existsSync(join(pkgDir, "package.json"))) throw err;
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  packed = pkgDir;
  return pkgDir;
}
