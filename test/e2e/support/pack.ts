/**
 * The package under test as users get it: `npm pack` of the repository, extracted.
 *
 * Packing happens at most once per test run: the result is kept in a temporary directory named after
 * the vitest main process (every worker of one run shares it) and a fingerprint of what gets packed
 * (package.json and the build output), so a rebuild between runs is packed again.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { extractPackedPackage } from "../../support/packed-package";
import { repoRoot } from "./engine";

const PACK_PREFIX = "pulumi-openai-batch-e2e-pack-";
const PACKED_ENTRY = join("dist", "provider", "index.js");
/** Where the package is in a pack's folder: under `node_modules`, as an install puts it. */
const PACKED_DIR = join("node_modules", "pulumi-openai-batch");

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
 * Packs the repository with `npm pack` (once per test run) and extracts it under a `node_modules`
 * folder, as an install puts it (Pulumi then serializes the provider as a `require` of the
 * package, as it does for users). Returns the extracted package directory, whose `node_modules`
 * links to the repository's so that its dependencies (`openai`, `@pulumi/pulumi`) resolve.
 * Requires a build (`npm run build`) first.
 */
export function packedPackageDir(): string {
  if (packed !== undefined && existsSync(packed)) return packed;
  if (!existsSync(join(repoRoot, PACKED_ENTRY))) {
    throw new Error(`${PACKED_ENTRY} is missing: run 'npm run build' before the packed-package tests.`);
  }
  const name = `${PACK_PREFIX}${process.ppid}-${fingerprint()}`;
  const dest = join(tmpdir(), name);
  const pkgDir = join(dest, PACKED_DIR);
  if (!existsSync(join(pkgDir, "package.json"))) {
    removeStalePacks(name);
    const work = mkdtempSync(join(tmpdir(), `${name}.tmp-`));
    try {
      extractPackedPackage(work);
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
