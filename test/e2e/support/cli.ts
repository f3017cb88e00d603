/**
 * Pulumi projects run through the `pulumi` command line, exactly as a person types the commands
 * (no Automation API): an isolated home holding the plugin archive installed as a user installs
 * it, a local backend and a copy of the project; the YAML language host is found on PATH.
 */
import { execFile } from "node:child_process";
import { accessSync, constants, cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { describe, it } from "vitest";
import { type Engine, e2eSkipRequested, engine, missingEngineMessage } from "./engine";
import { installPluginArchive, pathWithoutPlugin } from "./plugin-archive";

export const YAML_HOST = "pulumi-language-yaml";

/** The directory holding `pulumi-language-yaml`: beside the engine, or on PATH. */
export function yamlHostDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = [...(engine?.pathDirs ?? []), ...(env.PATH ?? "").split(delimiter)].filter((d) => d !== "");
  for (const dir of dirs) {
    try {
      accessSync(join(dir, YAML_HOST), constants.X_OK);
      return dir;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * `describe` for suites that run the CLI on a YAML project: they need the engine and the YAML
 * language host. When either is missing, the suite fails, unless SKIP_E2E=1 leaves it out.
 */
export function describeWithYamlHost(name: string, fn: () => void): void {
  if (engine !== undefined && yamlHostDir() !== undefined) {
    describe(name, fn);
    return;
  }
  const why =
    engine === undefined
      ? missingEngineMessage()
      : `No ${YAML_HOST} beside the engine or on PATH; build it with: bash scripts/ensure-pulumi-cli.sh`;
  if (!e2eSkipRequested()) {
    describe(name, () => {
      it("needs the Pulumi engine and the YAML language host", () => {
        throw new Error(why);
      });
    });
    return;
  }
  console.warn(`SKIPPING "${name}": ${why}`);
  describe.skip(name, fn);
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout then stderr. */
  output: string;
}

/** A copy of a project directory with its own Pulumi home and local backend. */
export class CliProject {
  readonly projectDir: string;
  readonly env: Readonly<Record<string, string>>;
  /** Every command run, with its output, for searches across all of them. */
  readonly runs: { args: string[]; run: CliRun }[] = [];
  /** What `pulumi plugin install` printed when the home was made. */
  installOutput = "";

  private constructor(
    readonly root: string,
    readonly engine: Engine,
    env: Record<string, string>,
  ) {
    this.projectDir = join(root, "project");
    this.env = env;
  }

  /**
   * Copies `sourceDir` and installs the plugin archive of this checkout into the copy's own
   * Pulumi home, where the engine finds it as it finds any installed plugin.
   */
  static async create(sourceDir: string, env: Readonly<Record<string, string>> = {}): Promise<CliProject> {
    if (engine === undefined) throw new Error(missingEngineMessage());
    const root = mkdtempSync(join(tmpdir(), "pulumi-openai-batch-cli-"));
    const projectDir = join(root, "project");
    cpSync(sourceDir, projectDir, { recursive: true });
    for (const dir of ["home", "backend"]) mkdirSync(join(root, dir));
    const installOutput = await installPluginArchive(join(root, "home"));
    const hostDir = yamlHostDir();
    const path = [...engine.pathDirs, ...(hostDir === undefined ? [] : [hostDir]), process.env.PATH ?? ""];
    const project = new CliProject(root, engine, {
      PULUMI_HOME: join(root, "home"),
      PULUMI_BACKEND_URL: `file://${join(root, "backend")}`,
      PULUMI_CONFIG_PASSPHRASE: "cli-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      NO_COLOR: "1",
      PATH: pathWithoutPlugin([...new Set(path)]),
      ...env,
    });
    project.installOutput = installOutput;
    return project;
  }

  /** Runs `pulumi <args>` in the project; never throws on a non-zero exit (see `code`). */
  pulumi(args: readonly string[], timeoutMs = 180_000): Promise<CliRun> {
    return new Promise((resolve, reject) => {
      execFile(
        this.engine.pulumiPath,
        [...args],
        {
          cwd: this.projectDir,
          env: { ...process.env, ...this.env },
          encoding: "utf8",
          maxBuffer: 64 * 1024 * 1024,
          timeout: timeoutMs,
        },
        (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
          if (error !== null && typeof error.code !== "number") {
            reject(error);
            return;
          }
          const run = { code, stdout, stderr, output: `${stdout}\n${stderr}` };
          this.runs.push({ args: [...args], run });
          resolve(run);
        },
      );
    });
  }

  /** Like `pulumi`, but fails with the whole output when the command exits non-zero. */
  async ok(args: readonly string[], timeoutMs?: number): Promise<CliRun> {
    const run = await this.pulumi(args, timeoutMs);
    if (run.code !== 0) {
      throw new Error(`pulumi ${args.join(" ")} exited with ${run.code}:\n${run.output}`);
    }
    return run;
  }

  cleanup(): void {
    if (process.env.PULUMI_OPENAI_BATCH_E2E_KEEP) return;
    rmSync(this.root, { recursive: true, force: true });
  }
}
