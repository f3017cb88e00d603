import { createServer, type Server } from "node:net";
import { describe, expect, test } from "vitest";
import { type ProbeOutcome, parseEngineAddress, watchEngine } from "../../provider/runtime/engine-watchdog";

describe("the engine's address", () => {
  test.each([
    ["127.0.0.1:43123", { host: "127.0.0.1", port: 43123 }],
    ["localhost:1", { host: "localhost", port: 1 }],
    ["[::1]:65535", { host: "::1", port: 65535 }],
    [" 127.0.0.1:8080\n", { host: "127.0.0.1", port: 8080 }],
    ["127.0.0.1", undefined],
    ["127.0.0.1:0", undefined],
    ["127.0.0.1:65536", undefined],
    ["::1:8080", undefined],
    ["http://127.0.0.1:8080", undefined],
    ["", undefined],
  ])("%j is %j", (address, expected) => {
    expect(parseEngineAddress(address)).toEqual(expected);
  });
});

/** A TCP listener on a free port of 127.0.0.1, and its address. */
async function listener(): Promise<{ server: Server; address: string }> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { server, address: `127.0.0.1:${port}` };
}

describe("watchEngine", () => {
  test("probes while the engine listens, and stops once two probes in a row are refused", async () => {
    const { server, address } = await listener();
    const outcomes: ProbeOutcome[] = [];
    let gone!: () => void;
    const stopped = new Promise<void>((resolve) => {
      gone = resolve;
    });
    let goneAfter: number | undefined;
    let upSeen!: () => void;
    const threeUp = new Promise<void>((resolve) => {
      upSeen = resolve;
    });
    watchEngine(address, {
      intervalMs: 10,
      onProbe: (outcome) => {
        outcomes.push(outcome);
        if (outcomes.filter((o) => o === "up").length === 3) upSeen();
      },
      onGone: () => {
        goneAfter = outcomes.length;
        gone();
      },
    });
    await threeUp;
    expect(goneAfter).toBeUndefined();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await stopped;
    expect(outcomes.slice(-2)).toEqual(["refused", "refused"]);
    expect(outcomes.slice(0, 3)).toEqual(["up", "up", "up"]);
    expect(goneAfter).toBe(outcomes.length);
  });

  test("watches an address once, and nothing for no address or one it cannot read", async () => {
    const { server, address } = await listener();
    let firstProbes = 0;
    let secondProbes = 0;
    let thirdUp!: () => void;
    const firstProbedThrice = new Promise<void>((resolve) => {
      thirdUp = resolve;
    });
    const first = watchEngine(address, {
      intervalMs: 10,
      onProbe: () => {
        firstProbes += 1;
        if (firstProbes === 3) thirdUp();
      },
      onGone: () => {},
    });
    const second = watchEngine(address, {
      intervalMs: 10,
      onProbe: () => (secondProbes += 1),
      onGone: () => {},
    });
    watchEngine(undefined, { onGone: () => expect.unreachable() });
    watchEngine("not an address", { onGone: () => expect.unreachable() });
    await firstProbedThrice;
    expect(secondProbes).toBe(0);
    // Once the first watch stops, the address can be watched again.
    second();
    first();
    let again!: () => void;
    const probedAgain = new Promise<void>((resolve) => {
      again = resolve;
    });
    const third = watchEngine(address, { intervalMs: 10, onProbe: () => again(), onGone: () => {} });
    await probedAgain;
    third();
    server.close();
  });
});

describe("a probe that never reports", () => {
  test("is abandoned after two intervals, and the next probes still find the engine gone", async () => {
    const calls: number[] = [];
    const outcomes: ProbeOutcome[] = [];
    const gone = new Promise<void>((resolve) => {
      watchEngine("127.0.0.1:9", {
        intervalMs: 10,
        // The first probe's outcome goes missing, as a socket's once did in a host whose engine
        // died during the probe; every later probe is refused.
        probe: (_host, _port, _timeout, report) => {
          calls.push(Date.now());
          if (calls.length > 1) setImmediate(() => report("refused"));
        },
        onProbe: (outcome) => outcomes.push(outcome),
        onGone: () => resolve(),
      });
    });
    await gone;
    expect(calls.length).toBe(3);
    expect(outcomes).toEqual(["refused", "refused"]);
    // The lost probe was given at least two intervals before a new one started.
    expect((calls[1] as number) - (calls[0] as number)).toBeGreaterThanOrEqual(18);
  });

  test("an outcome that arrives after the probe was abandoned is ignored", async () => {
    let late: ((outcome: ProbeOutcome) => void) | undefined;
    const outcomes: ProbeOutcome[] = [];
    let calls = 0;
    const gone = new Promise<void>((resolve) => {
      watchEngine("127.0.0.1:10", {
        intervalMs: 10,
        probe: (_host, _port, _timeout, report) => {
          calls += 1;
          if (calls === 1) late = report;
          else if (calls === 2) {
            // The abandoned probe reports now: it must count for nothing.
            late?.("refused");
            setImmediate(() => report("refused"));
          } else setImmediate(() => report("refused"));
        },
        onProbe: (outcome) => outcomes.push(outcome),
        onGone: () => resolve(),
      });
    });
    await gone;
    expect(calls).toBe(3);
    expect(outcomes).toEqual(["refused", "refused"]);
  });
});
