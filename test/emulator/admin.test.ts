import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { chatJsonl, createBatch, startTestEmulator, type TestEmulator } from "./support/harness";

let env: TestEmulator;
beforeAll(async () => {
  env = await startTestEmulator();
});
afterAll(() => env.close());
beforeEach(() => env.emulator.reset());

async function admin(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${env.emulator.origin}/_emulator${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: await response.json() };
}

describe("admin API", () => {
  test("GET clock and POST clock/advance move the same clock as advance()", async () => {
    const before = env.emulator.now();
    expect(await admin("GET", "/clock")).toEqual({ status: 200, json: { now: before } });
    expect(await admin("POST", "/clock/advance", { ms: 1500 })).toEqual({
      status: 200,
      json: { now: before + 1500 },
    });
    expect(env.emulator.now()).toBe(before + 1500);
  });

  test("a negative step is a 400", async () => {
    const response = await admin("POST", "/clock/advance", { ms: -1 });
    expect(response).toEqual({
      status: 400,
      json: {
        error: {
          message: "Expected `ms` to be a number of milliseconds, 0 or more; got -1.",
          type: "invalid_request_error",
          param: null,
          code: "invalid_argument",
        },
      },
    });
  });

  test("calls are listed and cleared; admin calls are not recorded", async () => {
    await env.client.batches.list();
    const listed = await admin("GET", "/calls");
    expect(listed).toEqual({
      status: 200,
      json: { calls: [{ method: "GET", path: "/v1/batches", status: 200, at: env.emulator.now() }] },
    });
    expect(await admin("DELETE", "/calls")).toEqual({ status: 200, json: { calls: [] } });
    expect(env.emulator.calls()).toEqual([]);
  });

  test("faults are set and read back; bad rules are a 400 naming the key", async () => {
    const rules = [{ kind: "rate_limit", count: 2, path: "/v1/batches" }];
    expect(await admin("PUT", "/faults", { faults: rules })).toEqual({
      status: 200,
      json: { faults: rules },
    });
    expect(await admin("GET", "/faults")).toEqual({ status: 200, json: { faults: rules } });
    const bad = await admin("PUT", "/faults", { faults: [{ kind: "boom" }] });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { param: "faults[0].kind", code: "invalid_argument" } });
  });

  test("a batch status is forced, stuck or not; unknown ids are a 404", async () => {
    const batch = await createBatch(env.client, chatJsonl(2));
    const forced = await admin("POST", `/batches/${batch.id}/status`, { status: "in_progress", stuck: true });
    expect(forced.status).toBe(200);
    expect(forced.json).toMatchObject({
      id: batch.id,
      status: "in_progress",
      request_counts: { total: 2, completed: 0 },
    });
    await env.emulator.advance(3_600_000);
    expect((await env.client.batches.retrieve(batch.id)).status).toBe("in_progress");
    expect((await admin("POST", "/batches/batch_nope/status", { status: "failed" })).status).toBe(404);
    expect((await admin("POST", `/batches/${batch.id}/status`, { status: "validating" })).status).toBe(409);
  });

  test("reset forgets files, batches, faults and calls", async () => {
    await createBatch(env.client, chatJsonl(1));
    await admin("PUT", "/faults", { faults: [{ kind: "latency", latencyMs: 1 }] });
    expect(await admin("POST", "/reset")).toEqual({ status: 200, json: { reset: true } });
    expect(await admin("GET", "/faults")).toEqual({ status: 200, json: { faults: [] } });
    expect(env.emulator.calls()).toEqual([]);
    expect((await env.client.files.list()).data).toEqual([]);
    expect((await env.client.batches.list()).data).toEqual([]);
  });

  test("unknown admin routes are a 404 and need no key", async () => {
    expect((await admin("GET", "/nothing")).status).toBe(404);
  });
});

describe("admin API against cross-site requests", () => {
  /** A request as a web page on another site can send it without a CORS preflight, or with its own. */
  async function raw(method: string, path: string, headers: Record<string, string>, body?: string) {
    const response = await fetch(`${env.emulator.origin}/_emulator${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    return { status: response.status, json: (await response.json()) as { error?: { message: string } } };
  }

  async function stateIsKept(): Promise<void> {
    expect((await env.client.files.list()).data).toHaveLength(1);
    expect(await admin("GET", "/faults")).toEqual({ status: 200, json: { faults: [LATENCY] } });
  }

  const LATENCY = { kind: "latency", latencyMs: 1 };
  beforeEach(async () => {
    await createBatch(env.client, chatJsonl(1));
    await admin("PUT", "/faults", { faults: [LATENCY] });
  });

  test("a text/plain POST from a foreign Origin (a page's form or fetch) is refused and changes nothing", async () => {
    const refused = await raw(
      "POST",
      "/reset",
      { "content-type": "text/plain;charset=UTF-8", origin: "https://attacker.example" },
      "{}",
    );
    expect(refused.status).toBe(403);
    expect(refused.json.error?.message).toContain("https://attacker.example");
    await stateIsKept();
  });

  test("a state-changing call without a JSON content type is refused (415), even from no Origin", async () => {
    for (const headers of [
      {},
      { "content-type": "text/plain" },
      { "content-type": "application/x-www-form-urlencoded" },
    ]) {
      const refused = await raw("POST", "/reset", headers, "");
      expect(refused.status).toBe(415);
      expect(refused.json.error?.message).toContain("Content-Type: application/json");
    }
    expect((await raw("POST", "/clock/advance", { "content-type": "text/plain" }, '{"ms":5}')).status).toBe(
      415,
    );
    await stateIsKept();
  });

  test("a JSON call from a foreign Origin is refused; from the emulator's own Origin it works", async () => {
    const json = { "content-type": "application/json" };
    expect((await raw("GET", "/faults", { origin: "http://evil.example" })).status).toBe(403);
    expect((await raw("POST", "/reset", { ...json, origin: "null" })).status).toBe(403);
    await stateIsKept();
    const own = await raw("POST", "/reset", { ...json, origin: env.emulator.origin });
    expect(own).toEqual({ status: 200, json: { reset: true } });
    expect((await env.client.files.list()).data).toEqual([]);
  });

  test("a JSON POST without an Origin (a script, curl, the tests) works", async () => {
    expect(await raw("POST", "/reset", { "content-type": "application/json; charset=utf-8" })).toEqual({
      status: 200,
      json: { reset: true },
    });
    expect((await env.client.files.list()).data).toEqual([]);
  });
});

describe("request log", () => {
  test("the log option gets one line per request and never the key", async () => {
    const lines: string[] = [];
    const logged = await startTestEmulator({ log: (line) => lines.push(line) });
    try {
      await logged.client.batches.list();
      await logged.client.batches.retrieve("batch_nope").catch(() => undefined);
    } finally {
      await logged.close();
    }
    expect(lines.map((line) => line.replace(/\(\d+ ms\)/, "(t)"))).toEqual([
      "GET /v1/batches -> 200 (t)",
      "GET /v1/batches/batch_nope -> 404 (t)",
    ]);
    expect(lines.join("\n")).not.toContain(logged.emulator.apiKey);
  });
});
