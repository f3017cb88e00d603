/**
 * Folders set up as a user sets them up: the package installed from its packed tarball (`npm pack`,
 * as it would be published) with `npm install`, into the folder's own node_modules, and programs
 * run by Node from that folder. Nothing links back to the repository, so there is one copy of
 * `@pulumi/pulumi`, the folder's, as in a user's project.
 *
 * The versions of `@pulumi/pulumi` and `openai` installed are the ones installed in the repository,
 * so that a CI cell that swaps them (scripts/ci-matrix.sh) tests the user's install with them too.
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { type Engine, repoNodeModules, repoRoot } from "./engine";

const execFileAsync = promisify(execFile);

let tarball: string | undefined;

/** `npm pack` of the repository (once per test file), as it would be published. Needs a build. */
export function packedTarball(): string {
  if (tarball !== undefined && existsSync(tarball)) return tarball;
  if (!existsSync(join(repoRoot, "dist", "provider", "index.js"))) {
    throw new Error("dist/provider/index.js is missing: run 'npm run build' first.");
  }
  const dir = mkdtempSync(join(tmpdir(), "pulumi-openai-batch-tarball-"));
  const out = execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, npm_config_update_notifier: "false" },
  });
  const [info] = JSON.parse(out) as { filename: string }[];
  tarball = join(dir, info!.filename);
  return tarball;
}

/** The version of a package installed in the repository. */
export function installedVersion(name: string): string {
  return (
    JSON.parse(readFileSync(join(repoNodeModules, name, "package.json"), "utf8")) as { version: string }
  ).version;
}

/**
 * `npm install` in `dir`: the tarball, and the repository's versions of @pulumi/pulumi and openai.
 * Dependencies come from npm's cache when they are there.
 */
export async function installPackage(dir: string): Promise<void> {
  await execFileAsync(
    "npm",
    [
      "install",
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      "--ignore-scripts",
      packedTarball(),
      `@pulumi/pulumi@${installedVersion("@pulumi/pulumi")}`,
      `openai@${installedVersion("openai")}`,
    ],
    { cwd: dir, env: { ...process.env, npm_config_update_notifier: "false" }, maxBuffer: 16 * 1024 * 1024 },
  );
}

/** An empty temporary folder, and the backend and Pulumi home beside it. */
export interface UserFolder {
  readonly root: string;
  /** The project folder: where the user works. */
  readonly dir: string;
  /** The environment a user on this machine would run with: engine on PATH, a local backend. */
  readonly env: Record<string, string>;
  cleanup(): void;
}

export function createUserFolder(engine: Engine, extraEnv: Record<string, string> = {}): UserFolder {
  const root = mkdtempSync(join(tmpdir(), "pulumi-openai-batch-user-"));
  const dir = join(root, "project");
  for (const sub of ["project", "backend", "home"]) mkdirSync(join(root, sub));
  const env: Record<string, string> = {
    PULUMI_BACKEND_URL: `file://${join(root, "backend")}`,
    PULUMI_HOME: join(root, "home"),
    PULUMI_CONFIG_PASSPHRASE: "first-use",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    // The CLI here is built from Go modules at the repository's SDK version; a CI cell may pair it
    // with another SDK version.
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    PATH: [...engine.pathDirs, process.env.PATH ?? ""].join(delimiter),
    ...extraEnv,
  };
  return {
    root,
    dir,
    env,
    cleanup: () => {
      if (!process.env.PULUMI_OPENAI_BATCH_E2E_KEEP) rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Runs `node <script> ...args` in the folder, as a user would; rejects with the output on failure. */
export async function runNode(
  folder: UserFolder,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ stdout: string; stderr: string }> {
  try {
    return await execFileAsync(process.execPath, [...args], {
      cwd: folder.dir,
      env: { ...process.env, ...folder.env, ...env },
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      timeout: 300_000,
    });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `node ${args.join(" ")} failed: ${e.message}\n--- stdout ---\n${e.stdout}\n--- stderr ---\n${e.stderr}`,
    );
  }
}
