/**
 * The plugin as users get it: the archive `npm run plugin:archive` builds for this machine, built
 * once per run (by the first suite that needs it after `npm run build`; the others wait for it),
 * and installed into a fresh Pulumi home with `pulumi plugin install ... --file`, as a user
 * installs it. Nothing of the checkout is then on PATH or in a project's `plugins` section.
 */
import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { repoRoot, requireEngine } from "./engine";

const VERSION = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string })
  .version;
const ARCHIVES = join(repoRoot, "dist", "plugin-archives");
/** A build that holds the lock longer than this has died; the lock is taken over. */
const LOCK_STALE_MS = 15 * 60_000;

/**
 * PATH as on a user's machine: the directories given, less any that holds a
 * `pulumi-resource-openai-batch` (npm puts this package's `node_modules/.bin` on the PATH of
 * whatever it runs, and the engine would prefer that copy to the installed one, with a warning).
 */
export function pathWithoutPlugin(dirs: readonly string[]): string {
  return dirs
    .join(delimiter)
    .split(delimiter)
    .filter((dir) => dir !== "" && !existsSync(join(dir, "pulumi-resource-openai-batch")))
    .join(delimiter);
}

/** Pulumi's name of this machine's platform (`linux-amd64`). */
function platform(): string {
  const os = { linux: "linux", darwin: "darwin", win32: "windows" }[process.platform as string];
  const arch = { x64: "amd64", arm64: "arm64" }[process.arch as string];
  return `${os}-${arch}`;
}

export const pluginVersion = VERSION;

/** The archive's path for this machine. */
export function archivePath(): string {
  return join(ARCHIVES, `pulumi-resource-openai-batch-v${VERSION}-${platform()}.tar.gz`);
}

/** The newest modification time of the build and of the scripts that make the archive. */
function newestInput(): number {
  let newest = 0;
  const visit = (path: string): void => {
    const stat = statSync(path);
    if (stat.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const path of [
    join(repoRoot, "dist", "provider"),
    join(repoRoot, "scripts", "build-plugin-archive.mjs"),
    join(repoRoot, "scripts", "plugin-archive"),
  ]) {
    visit(path);
  }
  return newest;
}

function fresh(archive: string): boolean {
  return existsSync(archive) && statSync(archive).mtimeMs >= newestInput();
}

/**
 * The plugin archive of this checkout's build, built when missing or older than the build. One
 * process builds it while the others wait (a lock folder beside it).
 */
export async function pluginArchive(): Promise<string> {
  const archive = archivePath();
  if (!existsSync(join(repoRoot, "dist", "provider", "plugin", "main.js"))) {
    throw new Error("the package is not built; run `npm run build` first");
  }
  mkdirSync(ARCHIVES, { recursive: true });
  const lock = `${archive}.lock`;
  for (;;) {
    if (fresh(archive)) return archive;
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > LOCK_STALE_MS) rmdirSync(lock);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    if (!fresh(archive)) {
      await new Promise<void>((resolve, reject) =>
        execFile(
          process.execPath,
          [join(repoRoot, "scripts", "build-plugin-archive.mjs")],
          { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024, timeout: 600_000 },
          (error, _stdout, stderr) =>
            error === null ? resolve() : reject(new Error(`building the plugin archive failed:\n${stderr}`)),
        ),
      );
    }
  } finally {
    rmdirSync(lock);
  }
  return archive;
}

/**
 * Installs the archive into the Pulumi home `home` with
 * `pulumi plugin install resource openai-batch <version> --file <archive>`; returns what it printed.
 */
export async function installPluginArchive(home: string): Promise<string> {
  const archive = await pluginArchive();
  const run = spawnSync(
    requireEngine().pulumiPath,
    ["plugin", "install", "resource", "openai-batch", VERSION, "--file", archive],
    { encoding: "utf8", env: { ...process.env, PULUMI_HOME: home, PULUMI_SKIP_UPDATE_CHECK: "true" } },
  );
  const output = `${run.stdout}${run.stderr}`;
  if (
    run.status !== 0 ||
    !existsSync(join(home, "plugins", `resource-openai-batch-v${VERSION}`, "pulumi-resource-openai-batch"))
  ) {
    throw new Error(`pulumi plugin install left no plugin in ${home}:\n${output}`);
  }
  return output;
}
