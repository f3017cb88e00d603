import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import OpenAI from "openai";
import { Batch } from "../../provider/resource/batch";
import { serializeRequests } from "../../provider/validation/jsonl/serialize";
import { CHAT_ENDPOINT } from "../dataset/request-line";
import { smallRequests } from "../dataset/small-requests";
import { callShape, EmulatorProcess } from "../lib/emulator-process";
import type { PulumiEngine } from "../lib/pulumi-engine";
import { StackWorkspace } from "./stack-workspace";
import { StepCounter } from "./step-counter";

export const REQUESTS_PER_BATCH = 10;

/** One timed operation and the HTTP calls the emulator received during it. */
export interface TimedCalls {
  ms: number;
  calls: string[];
}

export interface StackRuns {
  preview: TimedCalls & { creates: number };
  up: TimedCalls & { creates: number };
  destroy: (TimedCalls & { deletes: number }) | undefined;
  /** `resources` creates (upload + create) one after another through the SDK. */
  raw: TimedCalls;
}

/**
 * Runs `pulumi preview`, `pulumi up` and (unless told not to) `pulumi destroy` of a stack of
 * `resources` Batch resources through the real engine, then the same creates through the SDK,
 * against one emulator in a process of its own (manual clock: the batches stay live).
 */
export async function runStack(
  engine: PulumiEngine,
  resources: number,
  destroy: boolean,
): Promise<StackRuns> {
  const emulator = await EmulatorProcess.start({
    apiKey: `sk-bench-${randomBytes(8).toString("hex")}`,
    manualClock: true,
  });
  const program = async () => {
    for (let index = 0; index < resources; index += 1) {
      new Batch(`batch-${index}`, {
        endpoint: CHAT_ENDPOINT,
        requests: smallRequests(REQUESTS_PER_BATCH, `s${index}`),
      });
    }
    return {};
  };
  let workspace: StackWorkspace | undefined;
  try {
    workspace = await StackWorkspace.create(engine, "bench-stack", "bench", program);
    const { stack } = workspace;
    await stack.setAllConfig({
      "openai:apiKey": { value: emulator.apiKey, secret: true },
      "openai:baseUrl": { value: emulator.url },
    });
    const steps = { preview: new StepCounter(), up: new StepCounter(), destroy: new StepCounter() };
    const preview = await timed(emulator, () =>
      stack.preview({ color: "never", onEvent: steps.preview.onEvent }),
    );
    const up = await timed(emulator, () => stack.up({ color: "never", onEvent: steps.up.onEvent }));
    const destroyed = destroy
      ? await timed(emulator, () => stack.destroy({ color: "never", onEvent: steps.destroy.onEvent }))
      : undefined;
    await emulator.reset();
    const raw = await timed(emulator, () => sequentialCreates(emulator, resources));
    return {
      preview: { ...preview, creates: steps.preview.count("create") },
      up: { ...up, creates: steps.up.count("create") },
      destroy: destroyed === undefined ? undefined : { ...destroyed, deletes: steps.destroy.count("delete") },
      raw,
    };
  } finally {
    workspace?.dispose();
    await emulator.stop();
  }
}

async function sequentialCreates(emulator: EmulatorProcess, resources: number): Promise<void> {
  const client = new OpenAI({ apiKey: emulator.apiKey, baseURL: emulator.url, maxRetries: 0 });
  for (let index = 0; index < resources; index += 1) {
    const bytes = serializeRequests(smallRequests(REQUESTS_PER_BATCH, `s${index}`));
    const file = await client.files.create({
      file: new File([bytes], `batch-${index}.jsonl`, { type: "application/jsonl" }),
      purpose: "batch",
    });
    await client.batches.create({
      input_file_id: file.id,
      endpoint: CHAT_ENDPOINT,
      completion_window: "24h",
    });
  }
}

async function timed(emulator: EmulatorProcess, call: () => Promise<unknown>): Promise<TimedCalls> {
  await emulator.clearCalls();
  const started = performance.now();
  await call();
  const ms = performance.now() - started;
  return { ms, calls: (await emulator.calls()).map(callShape) };
}
