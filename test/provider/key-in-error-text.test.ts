/**
 * A server that puts the API key into what it answers (an error message, an error page, a
 * redirect to a host named after the key): the provider's errors and logs never carry the key.
 * The emulator masks keys in its own messages, so these answers come from a small server of this
 * file's own. (A body that is not JSON cannot carry the key into an error: V8 quotes at most ten
 * characters of it.)
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { BatchInputs } from "../../provider/contract";
import { isBatchApiError } from "../../provider/errors";
import { createLogger } from "../../provider/runtime/logger";
import { createBatchProvider } from "../../provider/runtime/provider";
import { EMBEDDINGS, embeddingRequests } from "./harness";

/** A key that is also a valid host name label, so that a redirect can name a host after it. */
const KEY = `sk-test-${randomBytes(16).toString("hex")}`;

type Answer = (request: IncomingMessage, response: ServerResponse) => void;

/** What the server answers to every call, by the test that runs. */
const ANSWERS: Record<string, Answer> = {
  "an error message that quotes the key": (_request, response) => {
    response.writeHead(401, { "content-type": "application/json" });
    response.end(
      JSON.stringify({
        error: {
          message: `Incorrect API key provided: ${KEY}. You can find your API key in your account.`,
          type: "invalid_request_error",
          param: null,
          code: "invalid_api_key",
        },
      }),
    );
  },
  "an error page that quotes the Authorization header": (request, response) => {
    response.writeHead(502, { "content-type": "text/html" });
    response.end(`<html><body>Bad gateway for ${request.headers.authorization}</body></html>`);
  },
  "an error message that quotes the api-key header (Azure)": (request, response) => {
    response.writeHead(401, { "content-type": "application/json" });
    response.end(
      JSON.stringify({
        error: { code: "401", message: `Access denied for key ${request.headers["api-key"]}.` },
      }),
    );
  },
  // The `.invalid` name never resolves (RFC 6761), so the lookup fails with the host in its message.
  "a redirect to a host named after the key, which cannot be reached": (_request, response) => {
    response.writeHead(307, { location: `http://${KEY}.invalid/v1/batches` });
    response.end();
  },
};

let server: Server;
let answer: Answer = ANSWERS["an error message that quotes the key"] as Answer;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on("end", () => answer(request, response));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** The provider, configured with the key and the server, its debug log, and the inputs checked. */
async function providerOnServer(settings: Record<string, string> = {}): Promise<{
  provider: ReturnType<typeof createBatchProvider>;
  logs: string[];
  inputs: BatchInputs;
}> {
  const logs: string[] = [];
  const provider = createBatchProvider({
    env: {},
    sleep: async () => {},
    log: createLogger("debug", (line) => logs.push(line)),
  });
  await provider.configure({
    config: {
      get: (name: string) =>
        ({ "openai:apiKey": KEY, "openai:baseUrl": baseUrl, "openai:maxRetries": "0", ...settings })[name],
    },
  });
  const checked = await provider.check(
    {} as BatchInputs,
    {
      ...(settings["openai:backend"] === "azure"
        ? AZURE_BATCH
        : { endpoint: EMBEDDINGS, requests: embeddingRequests(1) }),
      resourceKey: "p/s/key",
    } as unknown as BatchInputs,
  );
  expect(checked.failures ?? []).toEqual([]);
  return { provider, logs, inputs: checked.inputs as BatchInputs };
}

/** Azure runs no embeddings: its batch is of chat completions, on a deployment. */
const AZURE_BATCH = {
  endpoint: "/chat/completions",
  requests: [
    {
      custom_id: "a",
      method: "POST",
      url: "/chat/completions",
      body: { model: "batch-mini", messages: [{ role: "user", content: "hi" }] },
    },
  ],
};

/** Azure's backend sends the key in `api-key`, on the v1 API and on the older one. */
const AZURE = { "openai:backend": "azure" };
const SETTINGS: Record<string, Record<string, string>> = {
  "an error message that quotes the api-key header (Azure)": AZURE,
  "an error page that quotes the Authorization header": {},
};

describe("the key in a server's answer reaches no error or log", () => {
  test.each(Object.keys(ANSWERS))("%s", async (name) => {
    answer = ANSWERS[name] as Answer;
    const { provider, logs, inputs } = await providerOnServer(SETTINGS[name] ?? {});
    const error = await provider.create(inputs).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isBatchApiError(error)).toBe(true);
    const message = (error as Error).message;
    // The text carried the key: it shows where the key was, masked.
    expect(message).toContain("***");
    const everything = JSON.stringify({ message, error, stack: (error as Error).stack, logs });
    expect(everything).not.toContain(KEY);
    // Nor a part of it long enough to use.
    expect(everything).not.toContain(KEY.slice(8, 24));
  });

  test("Azure's older API: the api-key header quoted back reaches no error or log", async () => {
    answer = ANSWERS["an error message that quotes the api-key header (Azure)"] as Answer;
    const { provider, logs, inputs } = await providerOnServer({
      ...AZURE,
      "openai:apiVersion": "2024-10-21",
    });
    const error = await provider.create(inputs).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isBatchApiError(error)).toBe(true);
    expect((error as Error).message).toContain("***");
    expect(JSON.stringify({ message: (error as Error).message, error, logs })).not.toContain(KEY);
  });
});
