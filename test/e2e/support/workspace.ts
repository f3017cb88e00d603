/**
 * Isolated, offline Pulumi workspaces for the end-to-end tests, run by the real engine through the
 * Automation API with inline programs.
 *
 * Each workspace is a temporary directory holding:
 *   home/      PULUMI_HOME (no plugins are ever acquired: PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION)
 *   backend/   a file:// state backend (stacks are encrypted with a passphrase)
 *   project/   the program's work directory. The engine starts the dynamic-provider host there, and
 *              that host resolves packages from project/node_modules, which holds
 *                @pulumi                -> the repository's node_modules/@pulumi
 *                pulumi-openai-batch    -> the package under test (the repository, or its npm pack)
 *              plus any throwaway packages a test writes with `writePackage`.
 * Nothing talks to anything but 127.0.0.1 (the engine, the in-process language server and the
 * provider host talk gRPC over loopback); the update check is off.
 *
 * Set PULUMI_OPENAI_BATCH_E2E_KEEP=1 to keep the directories after the tests (their path is printed),
 * and PULUMI_OPENAI_BATCH_E2E_VERBOSE=1 to stream the engine's output to stderr.
 */
import { execFile } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import {
  type ConfigValue,
  type Deployment,
  type DestroyOptions,
  type DestroyResult,
  type EngineEvent,
  LocalWorkspace,
  type OpMap,
  type OpType,
  type OutputMap,
  type PreviewOptions,
  type PreviewResult,
  PulumiCommand,
  type PulumiFn,
  type RefreshOptions,
  type RefreshResult,
  type Stack,
  type UpOptions,
  type UpResult,
} from "@pulumi/pulumi/automation";
import { type Engine, engineRoot, repoNodeModules, repoRoot, requireEngine } from "./engine";
import { packedPackageDir } from "./pack";

export { packedPackageDir } from "./pack";

const execFileAsync = promisify(execFile);

/** The package installed as `pulumi-openai-batch` in the project's node_modules. */
export type PackageUnderTest =
  /** A symlink to the repository root (its `dist/` must be built for the package to load). */
  | "repo"
  /** The repository packed with `npm pack` (once per test run) and extracted; see `packedPackageDir`. */
  | "packed"
  /** Not installed. */
  | "none"
  /** A symlink to this directory. */
  | { readonly dir: string };

export interface WorkspaceOptions {
  /** The Pulumi project name; default "e2e". */
  readonly projectName?: string;
  /** Default "repo". */
  readonly packageUnderTest?: PackageUnderTest;
  /** More environment for the engine and the processes it starts (the provider host among them). */
  readonly env?: Readonly<Record<string, string>>;
  /** The passphrase that encrypts the stacks' secrets; default "e2e-passphrase". */
  readonly passphrase?: string;
}

/** The outcome of one engine operation, with everything the engine printed and emitted. */
export interface OperationRun<R> {
  readonly result: R;
  /** stdout and stderr interleaved as they arrived. */
  readonly output: string;
  readonly stdout: string;
  readonly stderr: string;
  readonly events: readonly EngineEvent[];
  readonly durationMs: number;
}

export type Operation = "preview" | "up" | "refresh" | "destroy";

/** An engine operation that failed; carries the engine's full output and events. */
export class EngineOperationError extends Error {
  constructor(
    readonly operation: Operation,
    readonly output: string,
    readonly events: readonly EngineEvent[],
    override readonly cause: unknown,
  ) {
    super(
      `pulumi ${operation} failed: ${cause instanceof Error ? cause.message : String(cause)}\n--- engine output ---\n${output}`,
    );
    this.name = "EngineOperationError";
  }
}

/** A resource as recorded in a stack's state (`exportStack().deployment.resources[]`). */
export interface StateResource {
  readonly urn: string;
  readonly type: string;
  readonly id?: string;
  readonly custom?: boolean;
  readonly inputs?: Record<string, unknown>;
  readonly outputs?: Record<string, unknown>;
  readonly parent?: string;
  readonly provider?: string;
  readonly [key: string]: unknown;
}

/** The raw state file of a stack in the file:// backend. */
export interface StateFile {
  readonly path: string;
  /** The file's text (decompressed when the backend gzips it). */
  readonly text: string;
  readonly json: { readonly checkpoint?: { readonly latest?: { readonly resources?: StateResource[] } } };
}

/** A step the engine announced (from `resourcePreEvent`s): what it did, or plans to do, to a resource. */
export interface ResourceStep {
  readonly op: OpType;
  readonly urn: string;
  readonly type: string;
}

/** The resource steps among `events`, in order. */
export function resourceSteps(events: readonly EngineEvent[]): ResourceStep[] {
  const steps: ResourceStep[] = [];
  for (const event of events) {
    const meta = event.resourcePreEvent?.metadata;
    if (meta !== undefined) steps.push({ op: meta.op, urn: meta.urn, type: meta.type });
  }
  return steps;
}

/** The diagnostic messages among `events` (severity "error", "warning", "info", ...). */
export function diagnostics(
  events: readonly EngineEvent[],
  severity?: string,
): { severity: string; message: string; urn?: string }[] {
  const out: { severity: string; message: string; urn?: string }[] = [];
  for (const event of events) {
    const d = event.diagnosticEvent;
    if (d === undefined || (severity !== undefined && d.severity !== severity)) continue;
    out.push({ severity: d.severity, message: d.message, ...(d.urn ? { urn: d.urn } : {}) });
  }
  return out;
}

/** Resources of the state other than the stack itself and provider resources. */
export function userResources(resources: readonly StateResource[]): StateResource[] {
  return resources.filter((r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"));
}

/** Steps on resources other than the stack itself and provider resources: the ones tests assert on. */
export function userSteps(events: readonly EngineEvent[]): ResourceStep[] {
  return resourceSteps(events).filter(
    (s) => s.type !== "pulumi:pulumi:Stack" && !s.type.startsWith("pulumi:providers:"),
  );
}

function envFlag(name: string): boolean {
  const v = process.env[name];
  return v !== undefined && v !== "" && v !== "0" && v !== "false";
}

const KEEP = envFlag("PULUMI_OPENAI_BATCH_E2E_KEEP");
const VERBOSE = envFlag("PULUMI_OPENAI_BATCH_E2E_VERBOSE");

/** Creates an isolated workspace. Call `cleanup()` when done (e.g. in `afterAll`). */
export async function createWorkspace(options: WorkspaceOptions = {}): Promise<E2eWorkspace> {
  const engine = requireEngine();
  const root = mkdtempSync(join(tmpdir(), "pulumi-openai-batch-e2e-"));
  try {
    return await E2eWorkspace.init(root, engine, options);
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    throw err;
  }
}

export class E2eWorkspace {
  readonly pulumiHome: string;
  readonly backendDir: string;
  readonly projectDir: string;
  readonly nodeModulesDir: string;
  /** The environment the engine runs with (on top of this process's). */
  readonly env: Readonly<Record<string, string>>;
  private readonly stacks: E2eStack[] = [];
  private cleanedUp = false;

  private constructor(
    readonly root: string,
    readonly engine: Engine,
    readonly projectName: string,
    /** The directory `pulumi-openai-batch` resolves to, if installed. */
    readonly packageDir: string | undefined,
    env: Record<string, string>,
    private readonly pulumiCommand: PulumiCommand,
  ) {
    this.pulumiHome = join(root, "home");
    this.backendDir = join(root, "backend");
    this.projectDir = join(root, "project");
    this.nodeModulesDir = join(this.projectDir, "node_modules");
    this.env = env;
  }

  /** @internal use `createWorkspace`. */
  static async init(root: string, engine: Engine, options: WorkspaceOptions): Promise<E2eWorkspace> {
    const projectName = options.projectName ?? "e2e";
    const pulumiHome = join(root, "home");
    const backendDir = join(root, "backend");
    const projectDir = join(root, "project");
    const nodeModules = join(projectDir, "node_modules");
    for (const dir of [pulumiHome, backendDir, nodeModules]) mkdirSync(dir, { recursive: true });
    symlinkSync(join(repoNodeModules, "@pulumi"), join(nodeModules, "@pulumi"), "dir");

    const under = options.packageUnderTest ?? "repo";
    let packageDir: string | undefined;
    if (under === "repo") packageDir = repoRoot;
    else if (under === "packed") packageDir = packedPackageDir();
    else if (under !== "none") packageDir = under.dir;
    if (packageDir !== undefined) symlinkSync(packageDir, join(nodeModules, "pulumi-openai-batch"), "dir");

    const env: Record<string, string> = {
      PULUMI_HOME: pulumiHome,
      PULUMI_BACKEND_URL: `file://${backendDir}`,
      PULUMI_CONFIG_PASSPHRASE: options.passphrase ?? "e2e-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
      PULUMI_SKIP_CONFIRMATIONS: "true",
      PATH: [...engine.pathDirs, process.env.PATH ?? ""].join(delimiter),
      ...options.env,
    };

    let cliRoot = engineRoot(engine);
    if (cliRoot === undefined) {
      cliRoot = join(root, "cli");
      mkdirSync(join(cliRoot, "bin"), { recursive: true });
      symlinkSync(engine.pulumiPath, join(cliRoot, "bin", "pulumi"));
    }
    const pulumiCommand = await PulumiCommand.get({ root: cliRoot, skipVersionCheck: true });
    if (KEEP) console.warn(`[e2e] keeping workspace ${root}`);
    return new E2eWorkspace(root, engine, projectName, packageDir, env, pulumiCommand);
  }

  /**
   * Writes a throwaway package into the project's node_modules, so that code running in the provider
   * host can `require(name)`. `files` maps paths inside the package to their content; a package.json
   * is added unless given. Returns the package directory.
   */
  writePackage(name: string, files: Readonly<Record<string, string>>): string {
    const dir = join(this.nodeModulesDir, ...name.split("/"));
    const all: Record<string, string> = {
      "package.json": `${JSON.stringify({ name, version: "0.0.0", private: true, main: "index.js" }, null, 2)}\n`,
      ...files,
    };
    for (const [file, content] of Object.entries(all)) {
      const target = join(dir, file);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
    return dir;
  }

  /** Creates (or selects) a stack of this workspace's project that runs `program` in this process. */
  async stack(stackName: string, program: PulumiFn): Promise<E2eStack> {
    const stack = await LocalWorkspace.createOrSelectStack(
      { stackName, projectName: this.projectName, program },
      {
        workDir: this.projectDir,
        pulumiHome: this.pulumiHome,
        envVars: { ...this.env },
        pulumiCommand: this.pulumiCommand,
        projectSettings: { name: this.projectName, runtime: "nodejs" },
      },
    );
    const e2eStack = new E2eStack(this, stack);
    this.stacks.push(e2eStack);
    return e2eStack;
  }

  /** Removes the workspace's directories (kept when PULUMI_OPENAI_BATCH_E2E_KEEP is set). */
  async cleanup(): Promise<void> {
    if (this.cleanedUp) return;
    this.cleanedUp = true;
    if (KEEP) {
      console.warn(`[e2e] kept workspace ${this.root}`);
      return;
    }
    rmSync(this.root, { recursive: true, force: true });
  }
}

type Hooks = {
  onOutput?: (out: string) => void;
  onError?: (err: string) => void;
  onEvent?: (event: EngineEvent) => void;
};

export class E2eStack {
  readonly name: string;

  constructor(
    readonly workspace: E2eWorkspace,
    /** The Automation API stack, for anything the helpers below do not cover. */
    readonly stack: Stack,
  ) {
    this.name = stack.name;
  }

  /** Sets a config value; `key` may omit the project namespace. */
  async setConfig(key: string, value: string, options: { secret?: boolean } = {}): Promise<void> {
    await this.stack.setConfig(key, { value, secret: options.secret ?? false });
  }

  /** Sets several config values at once. */
  async setAllConfig(config: Readonly<Record<string, string | ConfigValue>>): Promise<void> {
    const map: Record<string, ConfigValue> = {};
    for (const [key, v] of Object.entries(config)) map[key] = typeof v === "string" ? { value: v } : v;
    await this.stack.setAllConfig(map);
  }

  preview(options: PreviewOptions = {}): Promise<OperationRun<PreviewResult>> {
    return this.run("preview", options, (o) => this.stack.preview(o));
  }

  up(options: UpOptions = {}): Promise<OperationRun<UpResult>> {
    return this.run("up", options, (o) => this.stack.up(o));
  }

  refresh(options: RefreshOptions = {}): Promise<OperationRun<RefreshResult>> {
    return this.run("refresh", options, (o) => this.stack.refresh(o));
  }

  destroy(options: DestroyOptions = {}): Promise<OperationRun<DestroyResult>> {
    return this.run("destroy", options, (o) => this.stack.destroy(o));
  }

  /** The stack outputs as the engine last recorded them. */
  outputs(): Promise<OutputMap> {
    return this.stack.outputs();
  }

  /** The state as the Automation API exports it: with `--show-secrets`, so secrets in plaintext. */
  exportStack(): Promise<Deployment> {
    return this.stack.exportStack();
  }

  /**
   * The output of a plain `pulumi stack export`, as a person runs it: secrets stay encrypted
   * (unlike `exportStack`, for which the Automation API passes `--show-secrets`).
   */
  async exportStackText(): Promise<string> {
    const { stdout } = await execFileAsync(
      this.workspace.engine.pulumiPath,
      ["stack", "export", "--stack", this.name, "--non-interactive"],
      {
        cwd: this.workspace.projectDir,
        env: { ...process.env, ...this.workspace.env },
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
        timeout: 120_000,
      },
    );
    return stdout;
  }

  /** All resources of the stack's state, including the stack itself and providers. */
  async resources(): Promise<StateResource[]> {
    const deployment = await this.exportStack();
    return (deployment.deployment?.resources ?? []) as StateResource[];
  }

  /** The stack's state file in the backend, read directly (as a person with disk access would). */
  stateFile(): StateFile {
    const dir = join(this.workspace.backendDir, ".pulumi", "stacks", this.workspace.projectName);
    const names = readdirSync(dir);
    for (const name of [`${this.name}.json`, `${this.name}.json.gz`]) {
      if (!names.includes(name)) continue;
      const path = join(dir, name);
      const raw = readFileSync(path);
      const text = name.endsWith(".gz") ? gunzipSync(raw).toString("utf8") : raw.toString("utf8");
      return { path, text, json: JSON.parse(text) as StateFile["json"] };
    }
    throw new Error(
      `no state file for stack ${this.name} in ${dir} (found: ${names.join(", ") || "nothing"})`,
    );
  }

  private async run<O extends Hooks & { color?: string }, R>(
    operation: Operation,
    options: O,
    fn: (options: O) => Promise<R>,
  ): Promise<OperationRun<R>> {
    const chunks: string[] = [];
    const stdout: string[] = [];
    const stderr: string[] = [];
    const events: EngineEvent[] = [];
    const started = Date.now();
    const merged: O = {
      color: "never",
      ...options,
      onOutput: (out: string) => {
        chunks.push(out);
        stdout.push(out);
        if (VERBOSE) process.stderr.write(out);
        options.onOutput?.(out);
      },
      onError: (err: string) => {
        chunks.push(err);
        stderr.push(err);
        if (VERBOSE) process.stderr.write(err);
        options.onError?.(err);
      },
      onEvent: (event: EngineEvent) => {
        events.push(event);
        options.onEvent?.(event);
      },
    };
    let result: R;
    try {
      result = await fn(merged);
    } catch (err) {
      throw new EngineOperationError(operation, chunks.join(""), events, err);
    }
    return {
      result,
      output: chunks.join(""),
      stdout: stdout.join(""),
      stderr: stderr.join(""),
      events,
      durationMs: Date.now() - started,
    };
  }
}

/** The counts of `userSteps` by operation, e.g. `{ create: 1 }`. */
export function userChanges(events: readonly EngineEvent[]): OpMap {
  const counts: OpMap = {};
  for (const step of userSteps(events)) counts[step.op] = (counts[step.op] ?? 0) + 1;
  return counts;
}
