import OpenAI from "openai";
import { afterEach, describe, expect, test } from "vitest";
import { type FaultRule, isEmulatorConfigError, startEmulator } from "../../provider/emulator";
import {
  chatJsonl,
  createBatch,
  failure,
  startTestEmulator,
  type TestEmulator,
  uploadBatchFile,
} from "./support/harness";

let env: TestEmulator | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

async function withFaults(faults: FaultRule[]): Promise<TestEmulator> {
  env = await startTestEmulator();
  env.emulator.setFaults(faults);
  return env;
}

describe("rate_limit", () => {
  test("answers 429 with retry-after and retry-after-ms, then lets calls through", async () => {
    const { client, emulator } = await withFaults([{ kind: "rate_limit", count: 1, retryAfterSeconds: 2 }]);
    const error = await failure(client.batches.list());
    expect(error.status).toBe(429);
    expect(error.headers?.get("retry-after")).toBe("2");
    expect(error.headers?.get("retry-after-ms")).toBe("2000");
    expect(error.error).toMatchObject({ type: "requests", code: "rate_limit_exceeded" });
    await client.batches.list();
    expect(emulator.calls().map((c) => [c.status, c.fault])).toEqual([
      [429, "rate_limit"],
      [200, undefined],
    ]);
  });

  test("a retrying client gets through after the limited calls", async () => {
    const { emulator } = await withFaults([{ kind: "rate_limit", count: 2, retryAfterSeconds: 0 }]);
    const retrying = new OpenAI({ baseURL: emulator.url, apiKey: emulator.apiKey, maxRetries: 2 });
    await retrying.batches.list();
    expect(emulator.calls().map((c) => c.status)).toEqual([429, 429, 200]);
  });
});

describe("server errors", () => {
  test("server_error answers 500 and does nothing", async () => {
    const { client, emulator } = await withFaults([
      { kind: "server_error", method: "POST", path: "/v1/batches", count: 1 },
    ]);
    const file = await uploadBatchFile(client, chatJsonl(1));
    const error = await failure(
      client.batches.create({
        input_file_id: file.id,
        endpoint: "/v1/chat/completions",
        completion_window: "24h",
      }),
    );
    expect(error.status).toBe(500);
    expect(error.error).toEqual({
      message: "The server had an error while processing your request. Sorry about that!",
      type: "server_error",
      param: null,
      code: null,
    });
    expect((await client.batches.list()).data).toEqual([]);
    expect(emulator.calls().map((c) => c.fault)).toEqual([undefined, "server_error", undefined]);
  });

  test("server_error_after carries the call out, then answers 500", async () => {
    const { client } = await withFaults([
      { kind: "server_error_after", method: "POST", path: "/v1/batches", count: 1 },
    ]);
    const file = await uploadBatchFile(client, chatJsonl(1));
    const error = await failure(
      client.batches.create({
        input_file_id: file.id,
        endpoint: "/v1/chat/completions",
        completion_window: "24h",
      }),
    );
    expect(error.status).toBe(500);
    const batches = (await client.batches.list()).data;
    expect(batches.map((b) => b.input_file_id)).toEqual([file.id]);
  });
});

describe("drop_connection", () => {
  test("closes the socket without an answer", async () => {
    const { client, emulator } = await withFaults([
      { kind: "drop_connection", path: "/v1/files", method: "POST", count: 1 },
    ]);
    const error = await uploadBatchFile(client, chatJsonl(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(emulator.calls()).toEqual([
      { method: "POST", path: "/v1/files", status: 0, at: emulator.now(), fault: "drop_connection" },
    ]);
    expect((await client.files.list()).data).toEqual([]);
  });
});

describe("latency", () => {
  test("delays the answer and records the fault; the call still succeeds", async () => {
    // Only a real delay lets a call made later answer first: the delayed list is sent, then the
    // files are listed three times one after the other, and all three answers come back before it.
    const { client, emulator } = await withFaults([
      { kind: "latency", method: "GET", path: "/v1/batches", latencyMs: 3_000, count: 1 },
    ]);
    const order: string[] = [];
    const delayed = client.batches.list().then(() => order.push("delayed batches list"));
    for (let i = 1; i <= 3; i++) {
      await client.files.list();
      order.push(`files list ${i}`);
    }
    await delayed;
    expect(order).toEqual(["files list 1", "files list 2", "files list 3", "delayed batches list"]);
    // The call log is in the order the calls came in.
    expect(emulator.calls().map((c) => [c.method, c.path, c.status, c.fault])).toEqual([
      ["GET", "/v1/batches", 200, "latency"],
      ["GET", "/v1/files", 200, undefined],
      ["GET", "/v1/files", 200, undefined],
      ["GET", "/v1/files", 200, undefined],
    ]);
  });
});

describe("matching", () => {
  test("`*` matches one path segment, and the method must match", async () => {
    const { client, emulator } = await withFaults([
      { kind: "server_error", method: "POST", path: "/v1/batches/*/cancel" },
    ]);
    const batch = await createBatch(client, chatJsonl(1));
    await client.batches.retrieve(batch.id);
    expect((await failure(client.batches.cancel(batch.id))).status).toBe(500);
    expect(emulator.calls().map((c) => `${c.method} ${c.status}`)).toEqual([
      "POST 200",
      "POST 200",
      "GET 200",
      "POST 500",
    ]);
  });

  test("a rate draws from a seeded PRNG, so the same rule fails the same calls", async () => {
    const pattern = async () => {
      const emulator = await startEmulator({
        manualClock: true,
        faults: [{ kind: "server_error", rate: 0.5, seed: 7 }],
      });
      const client = new OpenAI({ baseURL: emulator.url, apiKey: emulator.apiKey, maxRetries: 0 });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++)
        statuses.push(
          await client.batches.list().then(
            () => 200,
            (e: { status: number }) => e.status,
          ),
        );
      await emulator.close();
      return statuses;
    };
    const first = await pattern();
    expect(await pattern()).toEqual(first);
    expect(first).toContain(500);
    expect(first).toContain(200);
  });

  test("faults never touch the admin API", async () => {
    const { emulator } = await withFaults([{ kind: "server_error" }]);
    const response = await fetch(`${emulator.origin}/_emulator/clock`);
    expect(response.status).toBe(200);
    expect(emulator.calls()).toEqual([]);
  });

  test("a count rule is used up and then dropped", async () => {
    const { client, emulator } = await withFaults([
      { kind: "server_error", count: 1 },
      { kind: "latency", latencyMs: 1 },
    ]);
    await failure(client.batches.list());
    expect(await (await fetch(`${emulator.origin}/_emulator/faults`)).json()).toEqual({
      faults: [{ kind: "latency", latencyMs: 1 }],
    });
  });
});

describe("fault rules from options and the environment", () => {
  test("OPENAI_EMULATOR_FAULTS is read when no faults option is given", async () => {
    process.env.OPENAI_EMULATOR_FAULTS = JSON.stringify([{ kind: "rate_limit", count: 1 }]);
    try {
      env = await startTestEmulator();
    } finally {
      delete process.env.OPENAI_EMULATOR_FAULTS;
    }
    expect((await failure(env.client.batches.list())).status).toBe(429);
  });

  test.each([
    [
      [{ kind: "explode" }],
      'Expected `faults[0].kind` to be one of rate_limit, server_error, server_error_after, drop_connection, latency, request_failure, cut_download, ignore_range; got "explode".',
    ],
    [
      [{ kind: "server_error", rate: 2 }],
      "Expected `faults[0].rate` to be a probability between 0 and 1; got 2.",
    ],
    [[{ kind: "server_error", count: 0 }], "Expected `faults[0].count` to be a positive integer; got 0."],
    [[{ kind: "latency" }], "`faults[0]` is a latency rule and needs `latencyMs`."],
    [
      [{ kind: "server_error", path: "batches" }],
      'Expected `faults[0].path` to be a /v1 path such as "/v1/batches/*"; got "batches".',
    ],
    [
      [{ kind: "server_error", rate: 0.5, count: 1 }],
      "`faults[0]` has both `rate` and `count`; give one of them, or neither to always fire.",
    ],
    [
      [{ kind: "server_error", often: true }],
      "Unknown key `faults[0].often`; a fault rule has method, path, kind, rate, count, seed, latencyMs, retryAfterSeconds, statusCode, errorCode, afterBytes.",
    ],
    [
      [{ kind: "server_error", afterBytes: 10 }],
      '`faults[0].afterBytes` only applies to a cut_download rule; remove it, or set kind to "cut_download".',
    ],
    [
      [{ kind: "cut_download", afterBytes: -1 }],
      "Expected `faults[0].afterBytes` to be a non-negative integer number of bytes; got -1.",
    ],
  ])("%j is refused", async (faults, message) => {
    const error = await startEmulator({ faults: faults as FaultRule[] }).catch((e: unknown) => e);
    expect(isEmulatorConfigError(error) && error.message).toBe(message);
  });
});

describe("rules under another profile's mount", () => {
  test.each([
    ["Azure's v1 API", "azure", "/openai/v1", {}],
    ["Azure's api-version API", "azure", "/openai", { "api-version": "2024-10-21" }],
    ["Groq's mount", "groq", "/openai/v1", {}],
  ] as const)("a /v1 rule path matches the same call on %s", async (_name, profile, mount, query) => {
    env = await startTestEmulator({
      profile,
      ...(profile === "azure" ? { deployments: { "gpt-4o-mini": "gpt-4o-mini" } } : {}),
    });
    const { emulator } = env;
    emulator.setFaults([{ kind: "server_error", method: "POST", path: "/v1/batches/*/cancel", count: 1 }]);
    const key = emulator.apiKey;
    const client = new OpenAI({
      baseURL: `${emulator.origin}${mount}`,
      apiKey: key,
      maxRetries: 0,
      defaultQuery: query,
      ...(profile === "azure" ? { defaultHeaders: { authorization: null, "api-key": key } } : {}),
    });
    const batch = await createBatch(client, chatJsonl(1), "/v1/chat/completions");
    expect((await failure(client.batches.cancel(batch.id))).status).toBe(500);
    expect((await client.batches.cancel(batch.id)).status).toBe("cancelling");
    expect(emulator.calls().map((c) => [c.method, c.path, c.fault])).toEqual([
      ["POST", "/v1/files", undefined],
      ["POST", "/v1/batches", undefined],
      ["POST", `/v1/batches/${batch.id}/cancel`, "server_error"],
      ["POST", `/v1/batches/${batch.id}/cancel`, undefined],
    ]);
  });
});
