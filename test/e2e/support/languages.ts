/**
 * Python and Go programs of the generated SDKs, run as Automation API inline programs (which need
 * no language host) against the plugin: the toolchains they need, found or prepared once per
 * Pulumi version next to the CLI's cache directory, and a runner for their processes.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { describe, it } from "vitest";
import { cacheBinDir, e2eSkipRequested, requireEngine, wantedVersion } from "./engine";
import { pluginBinDir } from "./plugin";

export interface ProcessRun {
  code: number;
  stdout: string;
  stderr: string;
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

/** The environment in which an inline program drives the engine and finds the plugin. */
export function engineEnv(root: string): Record<string, string> {
  const engine = requireEngine();
  return {
    PULUMI_HOME: join(root, "home"),
    PULUMI_BACKEND_URL: `file://${join(root, "backend")}`,
    PULUMI_CONFIG_PASSPHRASE: "sdk-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    OPENAI_API_KEY: "",
    PATH: [pluginBinDir, ...engine.pathDirs, process.env.PATH ?? ""].join(delimiter),
  };
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

/** Installs (again) the Python SDK from `sdkDir` into the environment of `python`. */
export async function installPythonSdk(python: string, sdkDir: string): Promise<void> {
  const args = [
    "-m",
    "pip",
    "install",
    "--quiet",
    "--no-deps",
    "--no-build-isolation",
    "--force-reinstall",
    sdkDir,
  ];
  const result = await run(python, args);
  if (result.code !== 0) throw new Error(`pip ${args.join(" ")} failed:\n${result.stderr}`);
}
