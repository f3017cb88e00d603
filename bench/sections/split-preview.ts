import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Batch } from "../../provider/resource/batch";
import { BatchSet } from "../../provider/set/batch-set";
import { CHAT_ENDPOINT } from "../dataset/request-line";
import { EmulatorProcess } from "../lib/emulator-process";
import type { PulumiEngine } from "../lib/pulumi-engine";
import { StackWorkspace } from "./stack-workspace";
import { StepCounter } from "./step-counter";

/** One `pulumi preview`, timed whole, and what it planned. */
export interface TimedPreview {
  ms: number;
  creates: number;
  /** HTTP calls the emulator received during the preview (none expected). */
  calls: number;
}

export interface SplitPreviewRuns {
  /** Preview of one `BatchSet` over the input. */
  set: TimedPreview;
  /** Preview of the set's shard files as plain `Batch` resources with `inputFile`, one per shard. */
  plain: TimedPreview;
  shards: number;
}

/**
 * `pulumi preview` of a `BatchSet` over `inputFile` through the real engine, then, on a fresh
 * stack, the preview of the same shard files as plain `Batch` resources: the baseline, which does
 * everything but the split and the component. Both against an emulator in a process of its own,
 * which must receive no call.
 */
export async function runSplitPreview(
  engine: PulumiEngine,
  inputFile: string,
  cacheDir: string,
  maxRequestsPerBatch: number,
): Promise<SplitPreviewRuns> {
  const emulator = await EmulatorProcess.start({
    apiKey: `sk-bench-${randomBytes(8).toString("hex")}`,
    manualClock: true,
  });
  try {
    const setProgram = async () => {
      const set = new BatchSet("set", {
        endpoint: CHAT_ENDPOINT,
        inputFile,
        shardCacheDir: cacheDir,
        maxRequestsPerBatch,
        waitForCompletion: false,
      });
      return { shardCount: set.shardCount };
    };
    const set = await previewOnce(engine, emulator, "bench-set", setProgram);
    const shardFiles = readdirSync(cacheDir)
      .filter((name) => name.endsWith(".jsonl"))
      .map((name) => join(cacheDir, name));
    const plainProgram = async () => {
      for (const [index, file] of shardFiles.entries()) {
        new Batch(`shard-${index}`, { endpoint: CHAT_ENDPOINT, inputFile: file, waitForCompletion: false });
      }
      return {};
    };
    const plain = await previewOnce(engine, emulator, "bench-shards", plainProgram);
    return { set, plain, shards: shardFiles.length };
  } finally {
    await emulator.stop();
  }
}

async function previewOnce(
  engine: PulumiEngine,
  emulator: EmulatorProcess,
  project: string,
  program: () => Promise<Record<string, unknown>>,
): Promise<TimedPreview> {
  const workspace = await StackWorkspace.create(engine, project, "bench", program);
  try {
    const { stack } = workspace;
    await stack.setAllConfig({
      "openai:apiKey": { value: emulator.apiKey, secret: true },
      "openai:baseUrl": { value: emulator.url },
    });
    const steps = new StepCounter();
    await emulator.clearCalls();
    const started = performance.now();
    await stack.preview({ color: "never", onEvent: steps.onEvent });
    const ms = performance.now() - started;
    return { ms, creates: steps.count("create"), calls: (await emulator.calls()).length };
  } finally {
    workspace.dispose();
  }
}
