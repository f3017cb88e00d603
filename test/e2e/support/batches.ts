/**
 * Shared pieces of the end-to-end Batch scenarios: the programs (the compiled examples and the
 * config-driven fixture program), a local emulator with an inspection client and a call log per
 * engine operation, and small readers of the stack's state.
 *
 * Programs are loaded with Node's own `require` (never through the test runner's transforms), so
 * that the package's provider object is the real compiled one when Pulumi serializes it.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import OpenAI from "openai";
import {
  type Emulator,
  type EmulatorOptions,
  type RecordedCall,
  startEmulator,
} from "../../../provider/emulator";
import { repoRoot } from "./engine";
import type { E2eStack, StateResource } from "./workspace";
import { userResources } from "./workspace";

const nativeRequire = createRequire(__filename);

/** Generous limits: the machine may be loaded, and an engine operation starts two processes. */
export const OP_TIMEOUT = 180_000;
export const SETUP_TIMEOUT = 120_000;

/** The directory of the fixtures (plain CommonJS, loaded by Node). */
export const fixturesDir: string = join(__dirname, "fixtures");

export type ExampleName = "adopt-existing" | "embeddings" | "inline-requests" | "jsonl-file-wait";

/** The program function of a compiled example (`npm run build` puts it in dist/examples). */
export function exampleProgram(name: ExampleName): PulumiFn {
  return nativeRequire(join(repoRoot, "dist", "examples", name, "index.js")) as PulumiFn;
}

/** The example's own directory (for files it reads, such as requests.jsonl). */
export function exampleDir(name: ExampleName): string {
  return join(repoRoot, "examples", name);
}

/** The config object `<project>:batch` read by the fixture program. */
export interface BatchSpec {
  endpoint?: string;
  model?: string;
  prompts?: string[];
  inputFile?: string;
  metadata?: Record<string, string>;
  waitForCompletion?: boolean;
  waitTimeoutSeconds?: number;
  pollIntervalSeconds?: number;
  cancelOnDelete?: boolean;
  deleteInputFileOnDelete?: boolean;
  maxFailedRatio?: number;
  resultsPath?: string;
  retryFailedRequests?: number;
}

interface BatchProgramModule {
  batchProgram(packageDir?: string): PulumiFn;
}

/**
 * The fixture program with one `Batch` whose arguments come from the config object `batch`.
 * `packageDir` is where `Batch` is loaded from; by default the repository's build.
 */
export function batchProgram(packageDir?: string): PulumiFn {
  const mod = nativeRequire(join(fixturesDir, "batch-program.cjs")) as BatchProgramModule;
  return mod.batchProgram(packageDir);
}

/** Sets the fixture program's config object. */
export async function setSpec(stack: E2eStack, spec: BatchSpec): Promise<void> {
  await stack.setConfig("batch", JSON.stringify(spec));
}

/**
 * A recorded call as `METHOD /path -> status`, with the fault applied if any:
 * `POST /v1/files -> 429 (rate_limit)`.
 */
export function describeCall(call: RecordedCall): string {
  return `${call.method} ${call.path} -> ${call.status}${call.fault === undefined ? "" : ` (${call.fault})`}`;
}

/**
 * The calls as `describeCall` writes them, with the calls a create opens with side by side (they
 * arrive in any order) put in one: the look-up for the batches of earlier creates, then the
 * uploads (the input's and the in-flight marker's).
 */
export function describeCalls(calls: readonly RecordedCall[]): string[] {
  const described = calls.map(describeCall);
  const opening = (call: string | undefined) =>
    call?.startsWith("GET /v1/batches ") === true || call?.startsWith("POST /v1/files ") === true;
  let end = 0;
  while (end < 3 && opening(described[end])) end += 1;
  const head = described.slice(0, end);
  if (head.some((call) => call.startsWith("GET /v1/batches ")) && head.some((c) => c.startsWith("POST "))) {
    head.sort((a, b) => (a.startsWith("GET ") ? 0 : 1) - (b.startsWith("GET ") ? 0 : 1));
    described.splice(0, end, ...head);
  }
  return described;
}

/**
 * What a create that finds no batch with its create token calls, in order (as `describeCalls`
 * orders them): the look-up, the upload and the in-flight marker's upload side by side, then the
 * create.
 */
export const CREATE_OPENING: readonly string[] = [
  "GET /v1/batches -> 200",
  "POST /v1/files -> 200",
  "POST /v1/files -> 200",
  "POST /v1/batches -> 200",
];

/** The delete of a create's in-flight marker as the create returns (the marker's id is its own). */
export const MARKER_DELETED = /^DELETE \/v1\/files\/file-\w+ -> 200$/;

/** Calls that change something on the API side. */
export function mutating(calls: readonly RecordedCall[]): RecordedCall[] {
  return calls.filter((c) => c.method !== "GET" && c.method !== "HEAD");
}

/** A local emulator plus a client that reads what it holds (its calls are kept out of the log). */
export class TestEmulator {
  readonly client: OpenAI;

  private constructor(readonly emulator: Emulator) {
    this.client = new OpenAI({ baseURL: emulator.url, apiKey: emulator.apiKey, maxRetries: 0 });
  }

  static async start(options: EmulatorOptions = {}): Promise<TestEmulator> {
    return new TestEmulator(await startEmulator(options));
  }

  get url(): string {
    return this.emulator.url;
  }

  get apiKey(): string {
    return this.emulator.apiKey;
  }

  /** The environment that points the provider at this emulator (never stored in the state). */
  providerEnv(): Record<string, string> {
    return { OPENAI_BASE_URL: this.url, OPENAI_API_KEY: this.apiKey };
  }

  /**
   * Runs one engine operation with a clean call log, and returns its outcome with the calls the
   * emulator received while it ran. A failing operation is returned as `error`, never thrown.
   */
  async during<R>(
    operation: () => Promise<R>,
  ): Promise<{ result?: R; error?: unknown; calls: RecordedCall[] }> {
    this.emulator.clearCalls();
    try {
      const result = await operation();
      return { result, calls: this.emulator.calls() };
    } catch (error) {
      return { error, calls: this.emulator.calls() };
    } finally {
      this.emulator.clearCalls();
    }
  }

  /** Every batch the emulator holds, newest first. Clears the call log afterwards. */
  async batches(): Promise<OpenAI.Batch[]> {
    const all: OpenAI.Batch[] = [];
    for await (const batch of this.client.batches.list({ limit: 100 })) all.push(batch);
    this.emulator.clearCalls();
    return all;
  }

  /** Every file the emulator holds (of one purpose, if given). Clears the call log afterwards. */
  async files(purpose?: string): Promise<OpenAI.FileObject[]> {
    const all: OpenAI.FileObject[] = [];
    for await (const file of this.client.files.list(purpose === undefined ? {} : { purpose })) all.push(file);
    this.emulator.clearCalls();
    return all;
  }

  /** One batch; fails the test when the emulator does not know it. Clears the call log afterwards. */
  async batch(id: string): Promise<OpenAI.Batch> {
    const batch = await this.client.batches.retrieve(id);
    this.emulator.clearCalls();
    return batch;
  }

  /** Whether the emulator still has the file. Clears the call log afterwards. */
  async fileExists(id: string): Promise<boolean> {
    try {
      await this.client.files.retrieve(id);
      return true;
    } catch (error) {
      if (error instanceof OpenAI.NotFoundError) return false;
      throw error;
    } finally {
      this.emulator.clearCalls();
    }
  }

  close(): Promise<void> {
    return this.emulator.close();
  }
}

/** Polls `read` every 50 ms until `done` holds; fails after `timeoutMs` with the last value. */
export async function pollUntil<T>(
  what: string,
  read: () => Promise<T> | T,
  done: (value: T) => boolean,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(value)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Waits until `ready()` holds while `operation` runs, then runs `act` (unless the operation has
 * already finished), and returns the operation's own outcome.
 */
export async function actWhileRunning<R>(
  operation: Promise<R>,
  what: string,
  ready: () => boolean,
  act: () => Promise<void>,
  timeoutMs = 90_000,
): Promise<R> {
  let settled = false;
  operation.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  await pollUntil(
    what,
    () => settled || ready(),
    (done) => done,
    timeoutMs,
  );
  if (!settled) await act();
  return operation;
}

/** The stack's one Batch resource as recorded in the state (fails when there is not exactly one). */
export async function batchResource(stack: E2eStack): Promise<StateResource> {
  const batches = userResources(await stack.resources());
  if (batches.length !== 1) {
    throw new Error(`expected one Batch in the state, found ${batches.length}: ${JSON.stringify(batches)}`);
  }
  return batches[0]!;
}

/** The plain values of the stack outputs. */
export async function outputValues(stack: E2eStack): Promise<Record<string, unknown>> {
  const outputs = await stack.outputs();
  return Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.value]));
}
