import { createServer } from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import type { FaultRule } from "../../provider/emulator";
import { isBatchApiError, isBatchWaitError } from "../../provider/errors";
import { createLogger } from "../../provider/runtime/logger";
import { createBatchProvider } from "../../provider/runtime/provider";
import { EMBEDDINGS, embeddingRequests, type ProviderUnderTest, providerWithEmulator } from "./harness";

let env: ProviderUnderTest;
afterEach(async () => {
  await env?.close();
});

async function createWith(faults: FaultRule[], config: Record<string, string> = {}) {
  env = await providerWithEmulator({ config });
  const inputs = await env.checked({
    endpoint: EMBEDDINGS,
    requests: embeddingRequests(2),
    resourceKey: "p/s/faulty",
  });
  env.emulator.setFaults(faults);
  return {
    inputs,
    result: await env.provider.create(inputs).then(
      (r) => ({ ok: r }),
      (error: unknown) => ({ error }),
    ),
  };
}

async function allBatches() {
  return (await env.client.batches.list({ limit: 100 })).data;
}

describe("create under faults: nothing duplicated, nothing orphaned", () => {
  test.each([
    [
      "a 429 with Retry-After on create",
      { method: "POST", path: "/v1/batches", kind: "rate_limit", count: 2, retryAfterSeconds: 3 },
    ],
    ["a 500 on create", { method: "POST", path: "/v1/batches", kind: "server_error", count: 2 }],
    [
      "a 500 after the batch was created",
      { method: "POST", path: "/v1/batches", kind: "server_error_after", count: 1 },
    ],
    [
      "a dropped connection on create",
      { method: "POST", path: "/v1/batches", kind: "drop_connection", count: 1 },
    ],
    // The input and the in-flight marker are uploaded side by side: each fault on uploads meets both.
    [
      "a 500 after the file was stored",
      { method: "POST", path: "/v1/files", kind: "server_error_after", count: 2 },
    ],
    ["a 429 on upload", { method: "POST", path: "/v1/files", kind: "rate_limit", count: 2 }],
    ["a 500 on the look-up", { method: "GET", path: "/v1/batches", kind: "server_error", count: 1 }],
  ] as [string, FaultRule][])("%s", async (_name, fault) => {
    const { result } = await createWith([fault]);
    expect("ok" in result).toBe(true);
    const batches = await allBatches();
    expect(batches).toHaveLength(1);
    expect(batches[0]!.id).toBe("ok" in result ? result.ok.id : "");
    expect(await env.batchFiles()).toHaveLength(1);
    expect(env.emulator.calls().filter((c) => c.fault !== undefined)).toHaveLength(fault.count ?? 0);
  });

  test("a 500 after the batch was created, which has finished by the look-up, is found: no second batch", async () => {
    // A batch of the emulator finishes in 3 ms of its clock; the provider's wait before the look-up
    // moves the clock on by more than that.
    env = await providerWithEmulator({
      emulator: { durations: { validatingMs: 1, inProgressMs: 1, finalizingMs: 1 } },
    });
    const inputs = await env.checked({ endpoint: EMBEDDINGS, requests: embeddingRequests(2) });
    env.emulator.setFaults([{ method: "POST", path: "/v1/batches", kind: "server_error_after", count: 1 }]);
    const { id } = await env.provider.create(inputs);
    const batches = await allBatches();
    expect(batches.map((b) => [b.id, b.status])).toEqual([[id, "completed"]]);
  });

  test("the server's Retry-After is what the provider waits", async () => {
    const { result } = await createWith([
      { method: "POST", path: "/v1/batches", kind: "rate_limit", count: 1, retryAfterSeconds: 30 },
    ]);
    expect("ok" in result).toBe(true);
    const created = env.emulator.calls().filter((c) => c.method === "POST" && c.path === "/v1/batches");
    expect(created.map((c) => c.status)).toEqual([429, 200]);
    // The provider sleeps on the emulator's manual clock: the second try came exactly 30 s later.
    expect(created[1]!.at - created[0]!.at).toBe(30_000);
  });

  test("when every try fails, the uploaded file is deleted and the error says what happened", async () => {
    const { result } = await createWith(
      [{ method: "POST", path: "/v1/batches", kind: "server_error", count: 10 }],
      {
        "openai:maxRetries": "1",
      },
    );
    expect("error" in result).toBe(true);
    const error = "error" in result ? result.error : undefined;
    expect(isBatchApiError(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /^Could not create the batch: .+ \(HTTP 500.*\)\. It is safe to run the command again\.$/,
    );
    expect(await allBatches()).toEqual([]);
    expect(await env.batchFiles()).toEqual([]);
  });

  test("a create retried after a killed one adopts the batch that one made, and deletes its own upload and both markers", async () => {
    env = await providerWithEmulator();
    const inputs = await env.checked({
      endpoint: EMBEDDINGS,
      requests: embeddingRequests(2),
      resourceKey: "p/s/crash",
      waitForCompletion: true,
    });
    const [made] = await env.interrupted(inputs);
    env.emulator.clearCalls();
    const second = await env.provider.create(inputs);
    expect(second.id).toBe(made!.id);
    // Its upload and its marker go up; the upload is deleted once the earlier batch is found, and
    // both markers once the create returns. Nothing else changes.
    expect(
      env.emulator
        .calls()
        .filter((c) => c.method !== "GET")
        .map((c) => `${c.method} ${c.path.replace(/file-[\w-]+/, "{file}")}`)
        .sort(),
    ).toEqual([
      "DELETE /v1/files/{file}",
      "DELETE /v1/files/{file}",
      "DELETE /v1/files/{file}",
      "POST /v1/files",
      "POST /v1/files",
    ]);
    expect(await allBatches()).toHaveLength(1);
    expect((await env.batchFiles()).map((f) => f.id)).toEqual([made!.input_file_id]);
  });

  test("a finished batch with the same token is not adopted: a new one is made", async () => {
    env = await providerWithEmulator();
    const inputs = await env.checked({
      endpoint: EMBEDDINGS,
      requests: embeddingRequests(1),
      resourceKey: "p/s/again",
    });
    const first = await env.provider.create(inputs);
    await env.emulator.advance(60_000);
    const second = await env.provider.create(inputs);
    expect(second.id).not.toBe(first.id);
  });

  test("after a failed create, an older finished batch with the same token is not taken for the new one", async () => {
    env = await providerWithEmulator();
    const inputs = await env.checked({
      endpoint: EMBEDDINGS,
      requests: embeddingRequests(1),
      resourceKey: "p/s/old",
    });
    const first = await env.provider.create(inputs);
    await env.emulator.advance(60_000);
    env.emulator.setFaults([{ method: "POST", path: "/v1/batches", kind: "server_error", count: 1 }]);
    const second = await env.provider.create(inputs);
    expect(second.id).not.toBe(first.id);
    expect((await allBatches()).map((b) => b.id).sort()).toEqual([first.id, second.id].sort());
  });

  test("a wait goes on through an API outage longer than the retry policy's tries", async () => {
    env = await providerWithEmulator();
    const inputs = await env.checked({
      endpoint: EMBEDDINGS,
      requests: embeddingRequests(2),
      waitForCompletion: true,
      pollIntervalSeconds: 5,
    });
    env.emulator.setFaults([{ method: "GET", path: "/v1/batches/*", kind: "server_error", count: 8 }]);
    const { outs } = await env.provider.create(inputs);
    expect(outs?.status).toBe("completed");
    expect(env.emulator.calls().filter((c) => c.fault === "server_error")).toHaveLength(8);
  });

  test("a wait that cannot go on (the key was revoked) still records the batch", async () => {
    env = await providerWithEmulator();
    const inputs = await env.checked({
      endpoint: EMBEDDINGS,
      requests: embeddingRequests(1),
      pollIntervalSeconds: 5,
    });
    const created = await env.provider.create(inputs);
    const revoked = createBatchProvider({
      env: {},
      now: () => env.emulator.now(),
      sleep: (ms) => env.emulator.advance(ms),
      log: createLogger("off", () => {}),
    });
    await revoked.configure({
      config: {
        get: (k: string) => ({ "openai:apiKey": "sk-revoked", "openai:baseUrl": env.emulator.url })[k],
      },
    });
    const error = await revoked
      .update(created.id, created.outs!, { ...inputs, waitForCompletion: true })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(isBatchWaitError(error)).toBe(true);
    if (!isBatchWaitError(error)) return;
    expect(error.id).toBe(created.id);
    expect(error.properties).toMatchObject({ status: "validating", uploadedInputFile: true });
    expect(error.message).toMatch(
      new RegExp(
        `^Could not follow batch ${created.id}: The OpenAI API refused the API key \\(HTTP 401.+ when the provider tried to retrieve the batch: .+ The batch is recorded in the state`,
      ),
    );
  });

  test("a forced replacement of a running batch with unchanged inputs starts it over: a new batch, and the old one cancelled", async () => {
    env = await providerWithEmulator();
    const inputs = await env.checked({
      endpoint: EMBEDDINGS,
      requests: embeddingRequests(1),
      resourceKey: "p/s/replaced",
    });
    const first = await env.provider.create(inputs);
    // As `pulumi up --replace` does: create the replacement from the same inputs (so with the same
    // create token), then delete the replaced resource, with no diff in between. The first create
    // returned (its in-flight marker is gone), so this is a deliberate re-run: a new batch...
    const second = await env.provider.create(inputs);
    expect(second.id).not.toBe(first.id);
    // ...and the delete of the replaced resource cancels the old one and deletes its file.
    await env.provider.delete(first.id, first.outs!);
    expect((await env.client.batches.retrieve(first.id)).status).toMatch(/^cancel/);
    expect((await env.batchFiles()).map((f) => f.id)).toEqual([second.outs?.inputFileId]);
    const running = (await env.liveBatches()).filter((b) => b.status !== "cancelling");
    expect(running.map((b) => b.id)).toEqual([second.id]);
  });

  test("an API that cannot be reached is named by its URL", async () => {
    env = await providerWithEmulator();
    const inputs = await env.checked({ endpoint: EMBEDDINGS, requests: embeddingRequests(1) });
    const closed = await closedPortUrl();
    const provider = createBatchProvider({ env: {}, sleep: async () => {} });
    await provider.configure({
      config: {
        get: (k: string) =>
          ({ "openai:apiKey": env.key, "openai:baseUrl": closed, "openai:maxRetries": "0" })[k],
      },
    });
    const error = await provider.create(inputs).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isBatchApiError(error)).toBe(true);
    expect((error as Error).message).toMatch(
      new RegExp(
        `could not reach the API at ${closed.replace(/[.]/g, "\\.")} \\(.*ECONNREFUSED.*\\); check openai:baseUrl \\(or OPENAI_BASE_URL\\) and the network \\(no HTTP response\\)`,
      ),
    );
  });

  test("a wrong key is a clear API error, and the key appears in no error, output or log", async () => {
    env = await providerWithEmulator();
    const inputs = await env.checked({ endpoint: EMBEDDINGS, requests: embeddingRequests(1) });
    const logs: string[] = [];
    const wrongKey = `${env.key}-wrong`;
    const provider = createBatchProvider({ env: {}, log: createLogger("debug", (line) => logs.push(line)) });
    await provider.configure({
      config: { get: (k: string) => ({ "openai:apiKey": wrongKey, "openai:baseUrl": env.emulator.url })[k] },
    });
    const error = await provider.create(inputs).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isBatchApiError(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /^The OpenAI API refused the API key \(HTTP 401, code invalid_api_key.*\) when the provider tried to look for a batch made by an earlier attempt: .+\. Set a valid key with `pulumi config set --secret openai:apiKey <key>`, or in OPENAI_API_KEY in the environment that runs pulumi\.$/,
    );
    const everything = JSON.stringify({ message: (error as Error).message, error, logs, envLogs: env.logs });
    expect(everything).not.toContain(wrongKey);
    expect(everything).not.toContain(env.key);
    expect(logs.length).toBeGreaterThan(0);
  });
});

/** The URL of a port that was free a moment ago: nothing listens there. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/v1`;
}
