/**
 * The provider's settings and retry promises, shown against the emulator over HTTP: a long
 * Retry-After, the per-request time-out, the organization and project headers, and how far the
 * create's look-up for an earlier attempt's batch reads.
 */
import { afterEach, describe, expect, test } from "vitest";
import type { BatchInputs } from "../../provider/contract";
import { isBatchApiError } from "../../provider/errors";
import { EMBEDDINGS, embeddingRequests, type ProviderUnderTest, providerWithEmulator } from "./harness";
import { startRecordingProxy } from "./recording-proxy";

let env: ProviderUnderTest;
afterEach(async () => {
  await env?.close();
});

const failureOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new RangeError("expected the call to fail");
    },
    (error: unknown) => error,
  );

describe("Retry-After", () => {
  test("more than a minute surfaces at once: one call, no wait, the status and the server's wish", async () => {
    env = await providerWithEmulator();
    const { id, outs } = await env.provider.create(
      await env.checked({ endpoint: EMBEDDINGS, requests: embeddingRequests(1) }),
    );
    env.emulator.setFaults([
      { method: "GET", path: "/v1/batches/*", kind: "rate_limit", count: 1, retryAfterSeconds: 61 },
    ]);
    env.emulator.clearCalls();
    const before = env.emulator.now();
    const error = await failureOf(env.provider.read(id, outs!));
    expect(isBatchApiError(error)).toBe(true);
    if (!isBatchApiError(error)) return;
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBe(61_000);
    expect(env.emulator.calls().map((c) => c.status)).toEqual([429]);
    expect(env.emulator.now()).toBe(before);
  });

  test("a minute or less is waited out, exactly, and the call goes through", async () => {
    env = await providerWithEmulator();
    const { id, outs } = await env.provider.create(
      await env.checked({ endpoint: EMBEDDINGS, requests: embeddingRequests(1) }),
    );
    env.emulator.setFaults([
      { method: "GET", path: "/v1/batches/*", kind: "rate_limit", count: 1, retryAfterSeconds: 60 },
    ]);
    env.emulator.clearCalls();
    const read = await env.provider.read(id, outs!);
    expect(read.id).toBe(id);
    const calls = env.emulator.calls();
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(calls[1]!.at - calls[0]!.at).toBe(60_000);
  });
});

describe("openai:requestTimeoutSeconds", () => {
  test("an answer that does not come ends the call with a time-out error naming the setting", async () => {
    env = await providerWithEmulator({
      config: { "openai:requestTimeoutSeconds": "0.5", "openai:maxRetries": "0" },
    });
    const { id, outs } = await env.provider.create(
      await env.checked({ endpoint: EMBEDDINGS, requests: embeddingRequests(1) }),
    );
    // The answer is held back for 20 s of real time, far beyond the half-second time-out.
    env.emulator.setFaults([
      { method: "GET", path: "/v1/batches/*", kind: "latency", latencyMs: 20_000, count: 1 },
    ]);
    const error = await failureOf(env.provider.read(id, outs!));
    expect(isBatchApiError(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /^Could not retrieve the batch: the request to the API at http:\/\/127\.0\.0\.1:\d+\/v1 timed out \(raise openai:requestTimeoutSeconds if the network is slow\)/,
    );
  });
});

describe("openai:organization and openai:project", () => {
  test("are sent as headers on every call: look-up, upload, create, polls, cancel and delete", async () => {
    // The provider talks to the emulator through a proxy that records the headers on the wire.
    env = await providerWithEmulator();
    const proxy = await startRecordingProxy(env.emulator.url);
    try {
      const config: Record<string, string> = {
        "openai:apiKey": env.key,
        "openai:baseUrl": proxy.url,
        "openai:organization": "org-test-123",
        "openai:project": "proj_test_456",
      };
      await env.provider.configure({ config: { get: (name: string) => config[name] } });
      const inputs = await env.checked({
        endpoint: EMBEDDINGS,
        requests: embeddingRequests(2),
        waitForCompletion: true,
        waitTimeoutSeconds: 3,
        pollIntervalSeconds: 1,
      });
      const created = await env.provider.create({ ...inputs, waitForCompletion: false });
      await env.emulator.setBatchStatus(created.id, "in_progress", { stuck: true });
      await failureOf(env.provider.update(created.id, created.outs!, inputs));
      await env.provider.read(created.id, created.outs!);
      await env.provider.delete(created.id, { ...created.outs!, waitForCompletion: false });
    } finally {
      await proxy.close();
    }

    const sent = proxy.requests;
    const kinds = new Set(sent.map((r) => `${r.method} ${r.path.replace(/(batch_|file-)\w+/, "$1{id}")}`));
    expect(kinds).toEqual(
      new Set([
        "GET /v1/batches",
        "POST /v1/files",
        "POST /v1/batches",
        "GET /v1/batches/batch_{id}",
        "POST /v1/batches/batch_{id}/cancel",
        "GET /v1/files",
        "DELETE /v1/files/file-{id}",
      ]),
    );
    const without = sent.filter(
      (r) =>
        r.headers["openai-organization"] !== "org-test-123" ||
        r.headers["openai-project"] !== "proj_test_456",
    );
    expect(without).toEqual([]);
    expect(sent).toHaveLength(env.emulator.calls().length);
  });
});

describe("the create's look-up for an earlier create's batch", () => {
  test("reads the 1,000 newest batches: the 1,000th is adopted, the 1,001st is not found", async () => {
    env = await providerWithEmulator();
    const killed = async (resourceKey: string) => {
      const inputs = await env.checked({
        endpoint: EMBEDDINGS,
        requests: embeddingRequests(1),
        resourceKey,
        waitForCompletion: true,
      });
      const [made] = await env.interrupted(inputs);
      return { inputs, made: made! };
    };
    // Two creates killed while they waited: the older batch will be the 1,001st, the newer the 1,000th.
    const deeper = await killed("p/s/deeper");
    const buried = await killed("p/s/buried");
    for (let i = 0; i < 999; i++) {
      await env.client.batches.create({
        input_file_id: buried.made.input_file_id,
        endpoint: EMBEDDINGS,
        completion_window: "24h",
      });
    }
    const createAgain = async (inputs: BatchInputs) => {
      env.emulator.clearCalls();
      const again = await env.provider.create(inputs);
      const lookups = env.emulator.calls().filter((c) => c.method === "GET" && c.path === "/v1/batches");
      return { id: again.id, pages: lookups.length };
    };
    expect(await createAgain(buried.inputs)).toEqual({ id: buried.made.id, pages: 10 });
    const past = await createAgain(deeper.inputs);
    expect(past.id).not.toBe(deeper.made.id);
    expect(past.pages).toBe(10);
  }, 120_000);
});
