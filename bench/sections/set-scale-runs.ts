import { performance } from "node:perf_hooks";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { CHAT_ENDPOINT } from "../dataset/request-line";
import { callShape, type EmulatorProcess } from "../lib/emulator-process";
import type { PulumiEngine } from "../lib/pulumi-engine";
import type { InstalledPackage } from "./installed-package";
import { NoopResource } from "./noop-resource";
import { setShardArgs } from "./set-scale-shards";
import type { StateResource } from "./set-scale-state";
import { StackWorkspace } from "./stack-workspace";
import { StepCounter } from "./step-counter";

/** The type of the floor's no-op resources: a dynamic resource of Pulumi's own type. */
export const NOOP_TYPE = "pulumi-nodejs:dynamic:Resource";

/** One operation of the engine, timed whole, with its planned or made steps and the API calls. */
export interface TimedOperation {
  ms: number;
  /** Steps of the counted type: creates at preview and up, refreshes at refresh. */
  steps: number;
  /** HTTP calls the emulator received, as "METHOD /path" with ids replaced by {id}. */
  calls: string[];
}

/** preview, up and refresh of one fresh stack, and its state after the refresh. */
export interface StackOperations {
  preview: TimedOperation;
  /** Undefined when only the preview was asked for. */
  up: TimedOperation | undefined;
  refresh: TimedOperation | undefined;
  state: StateResource[];
  /**
   * How long the program took to declare its resources at preview, in the program's process
   * (for the set: its split, shard files and the registration of its children).
   */
  previewProgramMs: number;
}

export type StackKind = "set" | "plain" | "floor";

/** What each kind of stack runs. */
export interface StackPrograms {
  /** The package the set and the plain batches come from, as users install it. */
  installed: InstalledPackage;
  /** One BatchSet over `requests` requests, in shards of at most `maxRequestsPerBatch`, in `cacheDir`. */
  set: { requests: number; maxRequestsPerBatch: number; cacheDir: () => string };
  /** One plain Batch per shard file, with the file as its `inputFile`. */
  plain: { shardFiles: readonly string[] };
  /** This many no-op dynamic resources. */
  floor: { resources: number };
}

/**
 * `pulumi preview`, `pulumi up` (no wait) and `pulumi refresh` of a fresh stack of one kind,
 * through the real engine against `emulator`, and the stack's exported state after them; or only
 * the preview, with `previewOnly`.
 */
export async function runStackOperations(
  engine: PulumiEngine,
  emulator: EmulatorProcess,
  kind: StackKind,
  programs: StackPrograms,
  previewOnly = false,
): Promise<StackOperations> {
  const programMs: number[] = [];
  const declare = declarationOf(kind, programs);
  const program: PulumiFn = async () => {
    const started = performance.now();
    const outputs = declare();
    programMs.push(performance.now() - started);
    return outputs;
  };
  const workspace = await StackWorkspace.create(
    engine,
    `bench-set-${kind}`,
    "bench",
    program,
    programs.installed.dir,
  );
  try {
    const { stack } = workspace;
    await stack.setAllConfig({
      "openai:apiKey": { value: emulator.apiKey, secret: true },
      "openai:baseUrl": { value: emulator.url },
    });
    const type = kind === "floor" ? NOOP_TYPE : undefined;
    const preview = await timed(emulator, type, "create", (onEvent) =>
      stack.preview({ color: "never", onEvent }),
    );
    const previewProgramMs = programMs[0] ?? Number.NaN;
    if (previewOnly) return { preview, up: undefined, refresh: undefined, state: [], previewProgramMs };
    const up = await timed(emulator, type, "create", (onEvent) => stack.up({ color: "never", onEvent }));
    const refresh = await timed(emulator, type, "refresh", (onEvent) =>
      stack.refresh({ color: "never", onEvent }),
    );
    const exported = await stack.exportStack();
    const state = ((exported.deployment as { resources?: StateResource[] }).resources ?? []).slice();
    return { preview, up, refresh, state, previewProgramMs };
  } finally {
    workspace.dispose();
  }
}

/** What the program of each kind declares, synchronously. */
function declarationOf(kind: StackKind, programs: StackPrograms): () => Record<string, unknown> {
  const { Batch, BatchSet } = programs.installed.module;
  switch (kind) {
    case "set":
      return () => {
        const { requests, maxRequestsPerBatch, cacheDir } = programs.set;
        const set = new BatchSet("set", {
          ...setShardArgs(requests, maxRequestsPerBatch, cacheDir()),
          waitForCompletion: false,
        });
        return { shardCount: set.shardCount };
      };
    case "plain":
      return () => {
        for (const [index, file] of programs.plain.shardFiles.entries()) {
          new Batch(`shard-${index}`, { endpoint: CHAT_ENDPOINT, inputFile: file, waitForCompletion: false });
        }
        return {};
      };
    case "floor":
      return () => {
        for (let index = 0; index < programs.floor.resources; index += 1) {
          new NoopResource(`noop-${index}`, index);
        }
        return {};
      };
  }
}

async function timed(
  emulator: EmulatorProcess,
  type: string | undefined,
  op: string,
  run: (onEvent: StepCounter["onEvent"]) => Promise<unknown>,
): Promise<TimedOperation> {
  const steps = new StepCounter(type);
  await emulator.clearCalls();
  const started = performance.now();
  await run(steps.onEvent);
  const ms = performance.now() - started;
  return { ms, steps: steps.count(op), calls: (await emulator.calls()).map(callShape) };
}
