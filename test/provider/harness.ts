import { randomBytes } from "node:crypto";
import OpenAI from "openai";
import { type BatchInputs, CREATE_TOKEN_METADATA_KEY } from "../../provider/contract";
import { type Emulator, type EmulatorOptions, startEmulator } from "../../provider/emulator";
import { createTokenOf } from "../../provider/runtime/create-token";
import type { RuntimeDeps } from "../../provider/runtime/deps";
import { createLogger } from "../../provider/runtime/logger";
import { type BatchResourceProvider, createBatchProvider } from "../../provider/runtime/provider";

export interface ProviderUnderTest {
  emulator: Emulator;
  provider: BatchResourceProvider;
  client: OpenAI;
  key: string;
  /** Every line the provider logged (at debug level). */
  logs: string[];
  /** Every progress line the provider wrote while waiting. */
  progress: string[];
  /** Runs the provider's `check` and fails the test on any failure, as the engine would stop. */
  checked(news: Record<string, unknown>): Promise<BatchInputs>;
  /**
   * Starts a create that never returns, as in a `pulumi up` killed while it waits: the create runs
   * in a provider of its own on the same emulator, whose sleep never ends once `hangWhen()` holds
   * (at its first sleep by default; before that, a sleep moves the clock as usual). Resolves once
   * it hangs, with the batches that carry the create token, newest first; fails if the create
   * returns or fails first.
   */
  interrupted(inputs: BatchInputs, hangWhen?: () => boolean): Promise<OpenAI.Batch[]>;
  /** The batches that carry `token` in their metadata, newest first. */
  batchesOf(token: string | undefined): Promise<OpenAI.Batch[]>;
  liveBatches(): Promise<OpenAI.Batch[]>;
  batchFiles(): Promise<OpenAI.FileObject[]>;
  close(): Promise<void>;
}

/**
 * The provider implementation wired to a fresh emulator over real HTTP. The emulator's clock is
 * manual and the provider's `sleep` advances it, so waits are exact and take no real time.
 */
export async function providerWithEmulator(
  options: {
    emulator?: EmulatorOptions;
    config?: Record<string, string>;
    cwd?: string;
    /** Replaces parts of the provider's outside world (e.g. a `fetch` that records requests). */
    deps?: Partial<RuntimeDeps>;
    /** Called after each of the provider's sleeps, once the emulator's clock has moved on. */
    afterSleep?: (emulator: Emulator) => Promise<void>;
  } = {},
): Promise<ProviderUnderTest> {
  const key = `sk-test-${randomBytes(16).toString("hex")}`;
  const emulator = await startEmulator({ manualClock: true, ...options.emulator, apiKey: key });
  const logs: string[] = [];
  const progress: string[] = [];
  const sleep = async (ms: number) => {
    await emulator.advance(ms);
    await options.afterSleep?.(emulator);
  };
  const newProvider = (deps: Partial<RuntimeDeps>) =>
    createBatchProvider({
      env: {},
      cwd: () => options.cwd ?? process.cwd(),
      now: () => emulator.now(),
      sleep,
      random: () => 0,
      log: createLogger("debug", (line) => logs.push(line)),
      ...options.deps,
      progress: (line) => progress.push(line),
      ...deps,
    });
  const provider = newProvider({});
  const config: Record<string, string> = {
    "openai:apiKey": key,
    "openai:baseUrl": emulator.url,
    "openai:maxRetries": "3",
    ...options.config,
  };
  const configure = (p: BatchResourceProvider) =>
    p.configure({ config: { get: (name: string) => config[name] } });
  await configure(provider);
  const client = new OpenAI({ apiKey: key, baseURL: emulator.url, maxRetries: 0 });
  const batchesOf = async (token: string | undefined) =>
    (await client.batches.list({ limit: 100 })).data.filter(
      (b) => b.metadata?.[CREATE_TOKEN_METADATA_KEY] === token,
    );
  return {
    emulator,
    provider,
    client,
    key,
    logs,
    progress,
    async checked(news) {
      const result = await provider.check({} as BatchInputs, news as unknown as BatchInputs);
      if (result.failures && result.failures.length > 0) {
        throw new TypeError(`check failed: ${JSON.stringify(result.failures)}`);
      }
      return result.inputs as BatchInputs;
    },
    async interrupted(inputs, hangWhen = () => true) {
      let hung!: () => void;
      const hanging = new Promise<void>((resolve) => {
        hung = resolve;
      });
      const killed = newProvider({
        sleep: (ms) => {
          if (!hangWhen()) return sleep(ms);
          hung();
          return new Promise<void>(() => {});
        },
      });
      await configure(killed);
      const returned = killed.create(inputs).then(
        () => {
          throw new Error("the create to interrupt returned");
        },
        (error: unknown) => {
          throw new Error(`the create to interrupt failed: ${(error as Error).message}`);
        },
      );
      await Promise.race([hanging, returned]);
      return batchesOf(createTokenOf(inputs));
    },
    batchesOf,
    async liveBatches() {
      const all = await client.batches.list({ limit: 100 });
      return all.data.filter((b) => !["completed", "failed", "expired", "cancelled"].includes(b.status));
    },
    async batchFiles() {
      return (await client.files.list({ purpose: "batch" })).data;
    },
    close: () => emulator.close(),
  };
}

export const EMBEDDINGS = "/v1/embeddings";

export function embeddingRequests(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    custom_id: `doc-${i + 1}`,
    method: "POST" as const,
    url: EMBEDDINGS,
    body: { model: "text-embedding-3-small", input: `document number ${i + 1}` },
  }));
}
