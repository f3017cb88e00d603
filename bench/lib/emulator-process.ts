import { type ChildProcess, spawn } from "node:child_process";
import type { FaultRule, RecordedCall } from "../../provider/emulator";

/**
 * The emulator run through its command line in a process of its own, so that its memory and CPU
 * are not counted in the process being measured. Controlled through its loopback admin API.
 */
export class EmulatorProcess {
  private constructor(
    private readonly child: ChildProcess,
    /** Base URL including /v1: the SDK's baseURL and the provider's `openai:baseUrl`. */
    readonly url: string,
    readonly origin: string,
    readonly apiKey: string,
  ) {}

  /** `timeScale`: emulator time runs this many times faster than real time (not with `manualClock`). */
  static async start(options: {
    apiKey: string;
    manualClock: boolean;
    timeScale?: number;
  }): Promise<EmulatorProcess> {
    const cli = require.resolve("../../provider/emulator/cli");
    const args = [cli, "--port", "0", "--api-key", options.apiKey];
    if (options.manualClock) args.push("--manual-clock");
    if (options.timeScale !== undefined) args.push("--time-scale", String(options.timeScale));
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const url = await new Promise<string>((resolve, reject) => {
      let stdout = "";
      child.stdout?.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /listening on (http:\/\/\S+\/v1)/.exec(stdout);
        if (match) resolve(match[1]!);
      });
      child.once("exit", (code) =>
        reject(new Error(`the emulator exited (${code}) before it listened: ${stderr}`)),
      );
    });
    return new EmulatorProcess(child, url, url.replace(/\/v1$/, ""), options.apiKey);
  }

  /** Every /v1 call received since the last clear, in order. */
  async calls(): Promise<RecordedCall[]> {
    const body = (await this.admin("GET", "/_emulator/calls")) as { calls: RecordedCall[] };
    return body.calls;
  }

  async clearCalls(): Promise<void> {
    await this.admin("DELETE", "/_emulator/calls");
  }

  /** Replaces the fault rules (e.g. a latency on every call). */
  async setFaults(rules: FaultRule[]): Promise<void> {
    await this.admin("PUT", "/_emulator/faults", { faults: rules });
  }

  /** Forgets every file, batch, fault rule and recorded call. */
  async reset(): Promise<void> {
    await this.admin("POST", "/_emulator/reset");
  }

  /** Stops the emulator (SIGTERM: it deletes its temporary files) and waits for it to exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill("SIGTERM");
    await exited;
  }

  private async admin(method: string, path: string, body?: unknown): Promise<unknown> {
    // A call that changes state must say JSON, with or without a body (see the emulator's README).
    const response = await fetch(`${this.origin}${path}`, {
      method,
      headers: { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) {
      throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
    }
    return response.json();
  }
}

/** A call as "METHOD /path", with ids replaced by {id}: the shape the call counts compare. */
export function callShape(call: RecordedCall): string {
  return `${call.method} ${call.path.replace(/\/(batch|file)[-_][A-Za-z0-9]+/g, "/{id}")}`;
}
