import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "./repo";

/** The compiled commands, as `npm run build` leaves them. */
export const OPENAI_BATCH_BIN = join(REPO_ROOT, "dist", "provider", "cli", "main.js");
export const EMULATOR_BIN = join(REPO_ROOT, "dist", "provider", "emulator", "cli.js");

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  cwd?: string;
  /** Written to the command's stdin, which is then closed. Without it stdin is closed at once. */
  stdin?: string | Buffer;
  /** Killed with SIGKILL after this many milliseconds (the run then has `signal` set). */
  killAfterMs?: number;
  /** The command's whole environment; default: this process's. */
  env?: NodeJS.ProcessEnv;
  /** Options for `node` itself, before the command. */
  nodeArgs?: readonly string[];
  /** Called with the process once it has started (e.g. to signal it). */
  started?: (child: ChildProcess) => void;
}

/** Runs a compiled command as a process and collects what it printed and how it exited. */
export function runBin(bin: string, args: readonly string[], options: CliRunOptions = {}): Promise<CliRun> {
  if (!existsSync(bin)) {
    throw new RangeError(`${bin} is missing: run \`npm run build\` first`);
  }
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), bin, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    stdio: ["pipe", "pipe", "pipe"],
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdin.on("error", () => {
    // The command may exit before it reads all of stdin.
  });
  child.stdin.end(options.stdin);
  options.started?.(child);
  const timer =
    options.killAfterMs === undefined
      ? undefined
      : setTimeout(() => child.kill("SIGKILL"), options.killAfterMs);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => {
      if (timer !== undefined) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A run and the peak resident set size of its process, in MiB. */
export interface MeasuredRun extends CliRun {
  peakRssMiB: number;
}

/**
 * Runs a compiled command as `runBin` does, and reads its peak RSS as it exits (VmHWM, written
 * by a preloaded script: see peak-rss.cjs). A process killed by a signal has no figure: that is
 * an error.
 */
export async function runBinMeasured(
  bin: string,
  args: readonly string[],
  options: CliRunOptions = {},
): Promise<MeasuredRun> {
  const dir = mkdtempSync(join(tmpdir(), "peak-rss-"));
  const file = join(dir, "kib");
  try {
    const run = await runBin(bin, args, {
      ...options,
      nodeArgs: ["--require", join(__dirname, "peak-rss.cjs"), ...(options.nodeArgs ?? [])],
      env: { ...(options.env ?? process.env), PEAK_RSS_FILE: file },
    });
    if (!existsSync(file)) {
      throw new RangeError(
        `no peak RSS: the process ended with ${run.signal ?? run.code}; stderr: ${run.stderr}`,
      );
    }
    return { ...run, peakRssMiB: Number(readFileSync(file, "utf8")) / 1024 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
