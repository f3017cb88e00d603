import { connect } from "node:net";

/** How often the engine's address is probed. */
const PROBE_INTERVAL_MS = 1_000;
/** Refused probes in a row that mean the engine is gone (one could be a listener's hiccup). */
const REFUSALS_TO_STOP = 2;
/** The exit code of a provider whose engine is gone; nobody is left to read it. */
const ENGINE_GONE_EXIT_CODE = 1;

export type ProbeOutcome = "up" | "refused" | "unknown";

export interface WatchdogOptions {
  intervalMs?: number;
  /** Runs once the engine is gone; by default the process exits at once. */
  onGone?: () => void;
  /** Runs after each probe. */
  onProbe?: (outcome: ProbeOutcome) => void;
}

/** Addresses watched in this process, so that each is watched once. */
const watched = new Set<string>();

/**
 * The host and port of an engine address as Pulumi passes it to a provider (`127.0.0.1:43123`,
 * `localhost:43123`, `[::1]:43123`); undefined for anything else.
 */
export function parseEngineAddress(address: string): { host: string; port: number } | undefined {
  const found = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(address.trim());
  const port = Number(found?.[3]);
  const host = found?.[1] ?? found?.[2];
  if (host === undefined || !Number.isInteger(port) || port < 1 || port > 65_535) return undefined;
  return { host, port };
}

/**
 * Stops this provider process once the Pulumi engine that started it is gone. The engine starts
 * each provider in a process group of its own and talks to it over gRPC; when the engine is killed
 * (a CI job's time limit, SIGKILL), nothing tells the provider, which would go on waiting for its
 * batches, make follow-ups and write results that no state ever records. So the engine's address
 * is probed (a TCP connect, closed at once, which the engine's gRPC server takes as a client that
 * went away) every second, and two refused probes in a row end the process: it starts nothing new
 * and writes nothing more, and the next `pulumi up` recovers what it left (docs/reliability.md).
 * The timer and the probes never keep the process alive. Does nothing for an address that is
 * undefined or not one, or that is already watched. Returns a function that stops watching.
 */
export function watchEngine(address: string | undefined, options: WatchdogOptions = {}): () => void {
  const target = address === undefined ? undefined : parseEngineAddress(address);
  if (address === undefined || target === undefined || watched.has(address)) return () => {};
  watched.add(address);
  const onGone = options.onGone ?? (() => process.exit(ENGINE_GONE_EXIT_CODE));
  let refusals = 0;
  let probing = false;
  const timer = setInterval(() => {
    if (probing) return;
    probing = true;
    void probe(target.host, target.port, options.intervalMs ?? PROBE_INTERVAL_MS).then((outcome) => {
      probing = false;
      refusals = outcome === "refused" ? refusals + 1 : outcome === "up" ? 0 : refusals;
      options.onProbe?.(outcome);
      if (refusals >= REFUSALS_TO_STOP) {
        stop();
        onGone();
      }
    });
  }, options.intervalMs ?? PROBE_INTERVAL_MS);
  timer.unref();
  const stop = () => {
    clearInterval(timer);
    watched.delete(address);
  };
  return stop;
}

/** One TCP connect to the engine: up, refused (nothing listens), or unknown (any other failure). */
function probe(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.unref();
    const done = (outcome: ProbeOutcome) => {
      socket.destroy();
      resolve(outcome);
    };
    socket.setTimeout(timeoutMs, () => done("unknown"));
    socket.once("connect", () => done("up"));
    socket.once("error", (error: NodeJS.ErrnoException) =>
      done(error.code === "ECONNREFUSED" ? "refused" : "unknown"),
    );
  });
}
