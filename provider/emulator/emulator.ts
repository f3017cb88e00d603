import type { AddressInfo } from "node:net";
import { CallLog } from "./call-log";
import { EmulatorClock, resumedStartMs } from "./clock";
import { resolveConfig } from "./config";
import { Control } from "./control";
import { BatchEngine } from "./engine/batch-engine";
import { EmulatorConfigError } from "./errors/config-error";
import { FaultInjector } from "./faults/injector";
import { newId } from "./ids";
import { createEmulatorServer } from "./server";
import { Disk } from "./store/disk";
import { Persister } from "./store/persister";
import { readState } from "./store/state-file";
import { Store } from "./store/store";
import { UsageCounter } from "./tokens/usage-counter";
import type { Emulator, EmulatorOptions, FaultRule, SetBatchStatusOptions } from "./types";

/** How often, in real ms, a real-time emulator moves its batches along. */
const TICK_MS = 20;

/**
 * Starts an emulator of the OpenAI Files, Batches and Uploads API. Options left out fall back to
 * the OPENAI_EMULATOR_* environment variables, then to defaults. Throws EmulatorConfigError for a
 * bad option and EmulatorStateError for an unreadable data directory.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const config = resolveConfig(options, process.env);
  const disk = await Disk.open(config.dataDir);
  try {
    const state = disk.persistent ? await readState(disk.statePath) : undefined;
    const startMs =
      state === undefined
        ? Date.now()
        : resumedStartMs(state.clock, config.timeScale, config.manualClock, Date.now());
    const clock = new EmulatorClock({ startMs, timeScale: config.timeScale, manual: config.manualClock });
    const store = new Store(config.apiKey ?? state?.apiKey ?? newId.apiKey());
    if (state !== undefined) store.load(state);
    const persister = new Persister(disk.persistent ? disk.statePath : undefined, () =>
      store.snapshot(clock.now(), Date.now()),
    );
    await persister.save();
    const log = config.log ?? (() => undefined);
    const faults = new FaultInjector();
    faults.setRules(config.faults);
    const tokens = new UsageCounter();
    const engine = new BatchEngine({
      store,
      disk,
      clock,
      durations: config.durations,
      enqueuedTokenLimits: config.enqueuedTokenLimits,
      outputOrder: config.outputOrder,
      persister,
      log,
      requestFailure: (url) => faults.decideRequest(url),
      tokens,
    });
    const callLog = new CallLog();
    const control = new Control(engine, faults, callLog);
    const server = createEmulatorServer({
      services: { store, disk, clock, engine, persister, control },
      faults,
      callLog,
      log: config.log,
    });
    const port = await listen(server, config.port, config.host);
    if (!config.manualClock) engine.startTimer(TICK_MS);
    await engine.settle();

    const hostInUrl = config.host.includes(":") ? `[${config.host}]` : config.host;
    const origin = `http://${hostInUrl}:${port}`;
    let closing: Promise<void> | undefined;
    return {
      url: `${origin}/v1`,
      origin,
      apiKey: store.apiKey,
      port,
      now: () => control.now(),
      advance: (ms: number) => control.advance(ms),
      setFaults: (rules: FaultRule[]) => {
        control.setFaults(rules);
      },
      setBatchStatus: async (id: string, status: string, opts?: SetBatchStatusOptions) => {
        await control.setBatchStatus(id, status, opts);
      },
      countingNow: () => tokens.countingNow,
      calls: () => control.calls(),
      clearCalls: () => control.clearCalls(),
      reset: () => control.reset(),
      close: () => {
        closing ??= (async () => {
          await new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          });
          await engine.stop();
          await persister.save();
          await persister.idle();
          await disk.dispose();
        })();
        return closing;
      },
    };
  } catch (error) {
    if (!disk.persistent) await disk.dispose();
    throw error;
  }
}

function listen(
  server: ReturnType<typeof createEmulatorServer>,
  port: number,
  host: string,
): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        new EmulatorConfigError(
          "port",
          error.code === "EADDRINUSE"
            ? `Port ${port} on ${host} is already in use; choose another port, or 0 for a free one.`
            : `Cannot listen on ${host}:${port}: ${error.message}`,
        ),
      );
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
