import { connect } from "node:net";

/** How often the engine's address is probed. */
const PROBE_INTERVAL_MS = 1_000;
/** Refused probes in a row that mean the engine is gone (one could be a listener's hiccup). */
const REFUSALS_TO_STOP = 2;
/** The exit code of a provider whose engine is gone; nobody is left to read it. */
const ENGINE_GONE_EXIT_CODE = 1;

export type ProbeOutcome = "up" | "refused" | "unknown";

/** Receives a probe's outcome, once. */
export type ProbeReport = (outcome: ProbeOutcome) => void;

export interface WatchdogOptions {
  intervalMs?: number;
  /** How one probe is made; a TCP connect to the engine by default. */
  probe?: (host: string, port: number, timeoutMs: number, report: ProbeReport) => void;
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
  const intervalMs = options.intervalMs ?? PROBE_INTERVAL_MS;
  const probeOnce = options.probe ?? probe;
  let refusals = 0;
  /** The probe in flight, if any, and when it started. */
  let inFlight: { readonly startedAt: number } | undefined;
  const timer = setInterval(() => {
    // A probe that has not reported within two intervals is abandoned and a new one starts: the
    // watchdog must never wait on one probe for ever (a socket's outcome has been seen to go
    // missing in a host whose engine died during the probe).
    if (inFlight !== undefined && Date.now() - inFlight.startedAt < 2 * intervalMs) return;
    const current = { startedAt: Date.now() };
    inFlight = current;
    probeOnce(target.host, target.port, intervalMs, (outcome) => {
      if (inFlight !== current) return;
      inFlight = undefined;
      refusals = outcome === "refused" ? refusals + 1 : outcome === "up" ? 0 : refusals;
      options.onProbe?.(outcome);
      if (refusals >= REFUSALS_TO_STOP) {
        stop();
        onGone();
      }
    });
  }, intervalMs);
  timer.unref();
  const stop = () => {
    clearInterval(timer);
    watched.delete(address);
  };
  return stop;
}

/**
 * One TCP connect to the engine: up, refused (nothing listens), or unknown (any other failure).
 * The outcome is reported once, from the socket's own events, without a promise in between.
 */
function probe(host: string, port: number, timeoutMs: number, report: ProbeReport): void {
  let reported = false;
  const socket = connect({ host, port });
  socket.unref();
  const done = (outcome: ProbeOutcome) => {
    if (reported) return;
    reported = true;
    socket.destroy();
    report(outcome);
  };
  socket.setTimeout(timeoutMs, () => done("unknown"));
  socket.once("connect", () => done("up"));
  socket.once("error", (error: NodeJS.ErrnoException) =>
    done(error.code === "ECONNREFUSED" ? "refused" : "unknown"),
  );
  // A socket that closes without either event still ends its probe.
  socket.once("close", () => done("unknown"));
}
