/**
 * Python and Go programs of the generated SDKs, run as Automation API inline programs (which need
 * no language host) against the plugin: the toolchains they need, found or prepared once per
 * Pulumi version next to the CLI's cache directory, and a runner for their processes.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { describe, it } from "vitest";
import { cacheBinDir, e2eSkipRequested, requireEngine, wantedVersion } from "./engine";
import { installPluginArchive, pathWithoutPlugin } from "./plugin-archive";

export interface ProcessRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A scratch folder with the program's Pulumi home, backend and working folder. */
export function lifecycleRoot(prefix: string): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  for (const dir of ["home", "backend", "work"]) mkdirSync(join(root, dir));
  return root;
}

/** Runs a command without blocking this process (the emulator serves from it meanwhile). */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: Readonly<Record<string, string>>; timeoutMs?: number } = {},
): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      [...args],
      {
        cwd: options.cwd,
        env: { ...process.env, ...options.env },
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
        timeout: options.timeoutMs ?? 600_000,
      },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== "number") {
          reject(new Error(`${command} ${args.join(" ")} did not run: ${error.message}\n${stderr}`));
          return;
        }
        resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
      },
    );
  });
}

/**
 * The environment in which a program drives the engine, as on a user's machine: the Pulumi home
 * `root/home` (where `installPluginArchive` put the plugin), a local backend, and a PATH with the
 * engine and nothing of this checkout. With `withoutNode`, the PATH holds no `node` at all.
 */
export function engineEnv(root: string, options: { withoutNode?: boolean } = {}): Record<string, string> {
  const engine = requireEngine();
  const dirs = [...engine.pathDirs, ...(options.withoutNode === true ? [] : [process.env.PATH ?? ""])];
  return {
    PULUMI_HOME: join(root, "home"),
    PULUMI_BACKEND_URL: `file://${join(root, "backend")}`,
    PULUMI_CONFIG_PASSPHRASE: "sdk-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    OPENAI_API_KEY: "",
    PATH: pathWithoutPlugin(dirs)
      .split(delimiter)
      .filter((dir) => !(options.withoutNode === true && existsSync(join(dir, "node"))))
      .join(delimiter),
  };
}

/** A fresh Pulumi home in `root/home` holding only the installed plugin archive; returns what the install printed. */
export async function homeWithPlugin(root: string): Promise<string> {
  return installPluginArchive(join(root, "home"));
}

function onPath(name: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => dir !== "" && existsSync(join(dir, name)));
}

/** `describe` for suites that need a toolchain: it fails without it, unless SKIP_E2E=1 leaves it out. */
export function describeWithTool(tool: string, name: string, fn: () => void): void {
  if (onPath(tool)) {
    describe(name, fn);
    return;
  }
  if (!e2eSkipRequested()) {
    describe(name, () => {
      it(`needs ${tool}`, () => {
        throw new Error(`${tool} is not on PATH`);
      });
    });
    return;
  }
  console.warn(`SKIPPING "${name}": ${tool} is not on PATH`);
  describe.skip(name, fn);
}

/**
 * A Python virtual environment with `pulumi` from PyPI at the CLI's version (and what the
 * generated SDK imports), created on first use beside the CLI's cache directory and reused after.
 * Returns its python.
 */
export async function pythonWithPulumi(): Promise<string> {
  const version = wantedVersion();
  const venv = join(dirname(cacheBinDir(version)), "python-venv");
  const python = join(venv, "bin", "python");
  const probe = `import pulumi, parver, semver, wheel, importlib.metadata as m; assert m.version("pulumi") == "${version}"`;
  if (existsSync(python) && (await run(python, ["-c", probe])).code === 0) return python;
  const building = `${venv}.tmp-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(dirname(building), { recursive: true });
  for (const [command, args] of [
    ["python3", ["-m", "venv", building]],
    [
      join(building, "bin", "pip"),
      [
        "install",
        "--quiet",
        `pulumi==${version}`,
        "parver>=0.2.1",
        "semver>=2.8.1",
        "setuptools>=61",
        "wheel",
      ],
    ],
  ] as const) {
    const result = await run(command, args);
    if (result.code !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${result.stderr}`);
  }
  rmSync(venv, { recursive: true, force: true });
  renameSync(building, venv);
  return python;
}

/**
 * Builds the Python SDK in `sdkDir` (a copy: pip builds in the source folder) into a wheel in
 * `outDir` with `pip wheel`, using the build tools of `python`'s environment; returns its path.
 */
export async function buildPythonWheel(python: string, sdkDir: string, outDir: string): Promise<string> {
  const args = ["-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", outDir, sdkDir];
  const result = await run(python, args);
  if (result.code !== 0) throw new Error(`pip ${args.join(" ")} failed:\n${result.stderr}`);
  const wheel = readdirSync(outDir).find((name) => name.endsWith(".whl"));
  if (wheel === undefined) throw new Error(`pip wheel made no wheel in ${outDir}`);
  return join(outDir, wheel);
}

/**
 * A fresh virtual environment in `venv` with the wheel and what it requires (`pulumi` at the CLI's
 * version) from PyPI, nothing from the checkout. The packages come from a folder of PyPI's files
 * kept beside the CLI's cache directory, filled by `pip download` the first time; returns its python.
 */
export async function freshVenvWithWheel(venv: string, wheel: string): Promise<string> {
  const version = wantedVersion();
  const wheelhouse = join(dirname(cacheBinDir(version)), "python-wheelhouse");
  mkdirSync(wheelhouse, { recursive: true });
  const made = await run("python3", ["-m", "venv", venv]);
  if (made.code !== 0) throw new Error(`python3 -m venv failed:\n${made.stderr}`);
  const python = join(venv, "bin", "python");
  const wanted = [`pulumi==${version}`, wheel];
  const offline = ["-m", "pip", "install", "--quiet", "--no-index", "--find-links", wheelhouse, ...wanted];
  if ((await run(python, offline)).code === 0) return python;
  const download = await run(python, ["-m", "pip", "download", "--quiet", "--dest", wheelhouse, ...wanted]);
  if (download.code !== 0) throw new Error(`pip download failed:\n${download.stderr}`);
  const installed = await run(python, offline);
  if (installed.code !== 0) throw new Error(`pip install failed:\n${installed.stderr}`);
  return python;
}
