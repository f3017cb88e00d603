import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { performance } from "node:perf_hooks";
import OpenAI from "openai";
import { serializeRequests } from "../../provider/validation/jsonl/serialize";
import { ProviderHost } from "../../test/support/provider-host";
import { linkedProjectDir } from "../../test/support/repo";
import { CHAT_ENDPOINT } from "../dataset/request-line";
import { smallRequests } from "../dataset/small-requests";
import { callShape, EmulatorProcess } from "../lib/emulator-process";
import { serializedProviderText } from "./provider-text";

export type Operation = "create" | "read" | "delete";
export const OPERATIONS: readonly Operation[] = ["create", "read", "delete"];

/** One timed operation and the HTTP calls the emulator received during it. */
export interface OperationSample {
  ms: number;
  calls: string[];
}

export interface OverheadSamples {
  /** From spawning the host to its gRPC port. */
  hostStartMs: number;
  configureMs: number;
  /** The host's first create, which loads the provider package and the SDK. */
  coldCreateMs: number;
  check: OperationSample[];
  host: Record<Operation, OperationSample[]>;
  raw: Record<Operation, OperationSample[]>;
}

const REQUESTS_PER_BATCH = 10;

/**
 * Runs create, read and delete `iterations` times through Pulumi's real dynamic-provider host over
 * gRPC and the same calls straight through the `openai` SDK, against one emulator in a process of
 * its own (manual clock: batches stay live, so delete has something to cancel). The emulator is
 * reset before each iteration so that every create's look-up sees the same account; the order of
 * host and SDK alternates. The first `warmup` iterations are not kept. With `latencyMs`, every API
 * call takes that much longer, as calls to a distant API do.
 */
export async function collectOverheadSamples(
  iterations: number,
  warmup: number,
  /** Real milliseconds the emulator waits before answering each API call; 0 for none. */
  latencyMs: number,
): Promise<OverheadSamples> {
  const providerText = await serializedProviderText();
  const emulator = await EmulatorProcess.start({
    apiKey: `sk-bench-${randomBytes(8).toString("hex")}`,
    manualClock: true,
  });
  const projectDir = linkedProjectDir("bench-host-");
  let host: ProviderHost | undefined;
  try {
    const started = performance.now();
    host = await ProviderHost.start(projectDir);
    const hostStartMs = performance.now() - started;
    const configureStarted = performance.now();
    await host.configure({ "openai:apiKey": emulator.apiKey, "openai:baseUrl": emulator.url });
    const configureMs = performance.now() - configureStarted;
    const client = new OpenAI({ apiKey: emulator.apiKey, baseURL: emulator.url, maxRetries: 0 });
    const samples: OverheadSamples = {
      hostStartMs,
      configureMs,
      coldCreateMs: Number.NaN,
      check: [],
      host: { create: [], read: [], delete: [] },
      raw: { create: [], read: [], delete: [] },
    };
    const run = randomBytes(4).toString("hex");
    for (let index = 0; index < warmup + iterations; index += 1) {
      const keep = index >= warmup;
      const requests = smallRequests(REQUESTS_PER_BATCH, `r${index}`);
      await emulator.reset();
      if (latencyMs > 0) await emulator.setFaults([{ kind: "latency", latencyMs }]);
      const viaHost = async () => {
        const urn = `urn:pulumi:bench::overhead::pulumi-nodejs:dynamic/openai:Batch::b${index}`;
        const news = {
          __provider: providerText,
          endpoint: CHAT_ENDPOINT,
          requests,
          resourceKey: `overhead/bench/${run}-${index}`,
        };
        const checked = await timed(emulator, () => host!.check(urn, {}, news));
        if (checked.value.failures.length > 0)
          throw new Error(`check failed: ${JSON.stringify(checked.value.failures)}`);
        const created = await timed(emulator, () => host!.create(urn, checked.value.inputs));
        const read = await timed(emulator, () => host!.read(urn, created.value.id, created.value.properties));
        const deleted = await timed(emulator, () =>
          host!.delete(urn, created.value.id, read.value.properties),
        );
        if (index === 0) samples.coldCreateMs = created.ms;
        if (!keep) return;
        samples.check.push(sample(checked));
        samples.host.create.push(sample(created));
        samples.host.read.push(sample(read));
        samples.host.delete.push(sample(deleted));
      };
      const viaSdk = async () => {
        const bytes = serializeRequests(requests);
        const created = await timed(emulator, async () => {
          const file = await client.files.create({
            file: new File([bytes], "requests.jsonl", { type: "application/jsonl" }),
            purpose: "batch",
          });
          const batch = await client.batches.create({
            input_file_id: file.id,
            endpoint: CHAT_ENDPOINT,
            completion_window: "24h",
            metadata: { run },
          });
          return { fileId: file.id, batchId: batch.id };
        });
        const read = await timed(emulator, () => client.batches.retrieve(created.value.batchId));
        const deleted = await timed(emulator, async () => {
          await client.batches.cancel(created.value.batchId);
          await client.files.delete(created.value.fileId);
        });
        if (!keep) return;
        samples.raw.create.push(sample(created));
        samples.raw.read.push(sample(read));
        samples.raw.delete.push(sample(deleted));
      };
      if (index % 2 === 0) {
        await viaHost();
        await viaSdk();
      } else {
        await viaSdk();
        await viaHost();
      }
    }
    return samples;
  } finally {
    await host?.stop();
    await emulator.stop();
    rmSync(projectDir, { recursive: true, force: true });
  }
}

async function timed<T>(
  emulator: EmulatorProcess,
  call: () => Promise<T>,
): Promise<OperationSample & { value: T }> {
  await emulator.clearCalls();
  const started = performance.now();
  const value = await call();
  const ms = performance.now() - started;
  return { ms, calls: (await emulator.calls()).map(callShape), value };
}

function sample(timedCall: OperationSample): OperationSample {
  return { ms: timedCall.ms, calls: timedCall.calls };
}
