import { startEmulator } from "../../provider/emulator";
import { createBatchProvider } from "../../provider/runtime/provider";
import { CHAT_ENDPOINT } from "../dataset/request-line";
import { smallRequests } from "../dataset/small-requests";
import { callShape } from "../lib/emulator-process";
import { seededRandom } from "../lib/prng";

export interface WaitRun {
  completeMs: number;
  capMs: number;
  /** GET /v1/batches/{id} calls the wait made. */
  retrieves: number;
  /** The other calls of the create, in order. */
  otherCalls: string[];
  /** Emulator time from the batch's completion to the wait returning. */
  lateMs: number;
  status: string | undefined;
  /** completed_at as the API reported it, against the expected second. */
  completedAtSeconds: number | undefined;
  expectedCompletedAtSeconds: number;
}

/**
 * Creates a batch with `waitForCompletion` through the provider against an in-process emulator
 * with a manual clock: the provider's clock is the emulator's, and its sleep moves the emulator's
 * clock forward, so hours pass in milliseconds. The emulator's phase durations make the batch
 * complete exactly `completeMs` after it is created.
 */
export async function measureWait(completeMs: number, capMs: number, seed: number): Promise<WaitRun> {
  const emulator = await startEmulator({
    manualClock: true,
    durations: { validatingMs: 0, inProgressMs: completeMs, finalizingMs: 0, cancellingMs: 0 },
  });
  try {
    const provider = createBatchProvider({
      now: () => emulator.now(),
      sleep: (ms) => emulator.advance(ms),
      random: seededRandom(seed),
      env: {},
    });
    const settings: Record<string, string> = {
      "openai:apiKey": emulator.apiKey,
      "openai:baseUrl": emulator.url,
    };
    await provider.configure({ config: { get: (key) => settings[key] } });
    const checked = await provider.check(
      {} as never,
      {
        endpoint: CHAT_ENDPOINT,
        requests: smallRequests(2, "wait"),
        waitForCompletion: true,
        pollIntervalSeconds: capMs / 1000,
        waitTimeoutSeconds: 86_400,
        resourceKey: `bench/wait/${completeMs}-${capMs}`,
      } as never,
    );
    if (checked.failures !== undefined && checked.failures.length > 0) {
      throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
    }
    emulator.clearCalls();
    const startMs = emulator.now();
    const created = await provider.create(checked.inputs!);
    const lateMs = emulator.now() - (startMs + completeMs);
    const calls = emulator.calls().map(callShape);
    return {
      completeMs,
      capMs,
      retrieves: calls.filter((call) => call === "GET /v1/batches/{id}").length,
      otherCalls: calls.filter((call) => call !== "GET /v1/batches/{id}"),
      lateMs,
      status: created.outs?.status,
      completedAtSeconds: created.outs?.completedAt,
      expectedCompletedAtSeconds: Math.floor((startMs + completeMs) / 1000),
    };
  } finally {
    await emulator.close();
  }
}
