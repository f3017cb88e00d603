/**
 * The provider's results path (`readBatchResults`, `resultsPath`, `maxFailedRatio`) and its API
 * errors against a faulty or hostile server (a test server of its own, not the emulator, which
 * masks keys itself): reading stays within bounds, what the provider says of the server's text
 * does nothing to a terminal and never carries the key, and no temporary file stays behind.
 */
import { randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { BatchInputs, BatchOutputs } from "../../provider/contract";
import { isBatchApiError, isBatchWaitError } from "../../provider/errors";
import { readBatchResults } from "../../provider/results";
import { createLogger } from "../../provider/runtime/logger";
import { type BatchResourceProvider, createBatchProvider } from "../../provider/runtime/provider";
import { testCompiled } from "../support/compiled";
import {
  errorLine,
  fileObject,
  type HostileServer,
  json,
  outputLine,
  prefixed,
  repeated,
  serveBatch,
  startHostileServer,
} from "../support/hostile-server";
import { REPO_ROOT } from "../support/repo";
import { runBinMeasured } from "../support/run-cli";

const KEY = `sk-hostile-${randomBytes(12).toString("hex")}`;
const MiB = 1 << 20;
const ESC = "\u001b";
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for raw control characters is the point
const RAW_CONTROLS = /[\u0007\u000a\u001b\u009b\u202e]/;
const ENDPOINT = "/v1/chat/completions";
const REQUESTS = ["a", "b", "c"].map((id) => ({ custom_id: id, body: { model: "m", messages: [] } }));

const work = mkdtempSync(join(tmpdir(), "provider-hostile-"));
/** This process's TMPDIR while the suite runs: the spool folders are made under it. */
const tmp = join(work, "tmp");
const spoolRoot = join(
  tmp,
  process.getuid === undefined ? "pulumi-openai-batch" : `pulumi-openai-batch-${process.getuid()}`,
);
const savedTmpdir = process.env.TMPDIR;
let server: HostileServer;
let provider: BatchResourceProvider;
const logs: string[] = [];

beforeAll(async () => {
  mkdirSync(tmp);
  process.env.TMPDIR = tmp;
  server = await startHostileServer();
  provider = createBatchProvider({
    env: {},
    cwd: () => work,
    sleep: async () => undefined,
    random: () => 0,
    log: createLogger("debug", (line) => logs.push(line)),
    progress: (line) => logs.push(line),
    warning: (line) => logs.push(line),
    delivered: async () => undefined,
  });
  const config: Record<string, string> = {
    "openai:apiKey": KEY,
    "openai:baseUrl": server.url,
    "openai:maxRetries": "0",
  };
  await provider.configure({ config: { get: (name: string) => config[name] } });
});
afterAll(async () => {
  process.env.TMPDIR = savedTmpdir;
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

/** The state of a batch that completed, and the inputs of an update that reads its results. */
function completed(id: string, inputs: Partial<BatchInputs>): { olds: BatchOutputs; news: BatchInputs } {
  const news = { endpoint: ENDPOINT, requests: REQUESTS, waitForCompletion: true, ...inputs } as BatchInputs;
  const olds = {
    ...news,
    stateVersion: 1,
    uploadedInputFile: true,
    inputFileId: "file-input",
    status: "completed",
    outputFileId: `file-output-${id}`,
    errorFileId: `file-error-${id}`,
    requestCounts: { total: 3, completed: 1, failed: 2 },
  } as unknown as BatchOutputs;
  return { olds, news };
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new TypeError("expected a failure");
    },
    (error: unknown) => error as Error,
  );
}

/** What the results reads left: temporary files beside the results and spool folders. */
function leftovers(): string[] {
  const spools = existsSync(spoolRoot) ? readdirSync(spoolRoot).map((name) => `spool:${name}`) : [];
  return [...readdirSync(work).filter((name) => name.endsWith(".tmp")), ...spools];
}

async function all<T>(records: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const record of records) out.push(record);
  return out;
}

const connection = () => ({ apiKey: KEY, baseUrl: server.url });

describe("bounded reading, through readBatchResults and resultsPath", () => {
  /** Serves `batch_noline`: an output file of one line, then 400 MiB without a line break. */
  function serveNoLine(): string {
    const head = outputLine("a");
    serveBatch(server, "batch_noline", {
      output: { body: prefixed(head, repeated("y", 400 * MiB)), bytes: head.length + 400 * MiB },
    });
    return head;
  }

  test("readBatchResults: an output file without a line break is an error naming the file and the byte", async () => {
    const head = serveNoLine();
    const error = await failureOf(all(readBatchResults("batch_noline", connection())));
    expect(isBatchApiError(error)).toBe(true);
    expect(error.message).toContain(
      `line 2 of the output file file-output-batch_noline: it starts at byte ${head.length} and runs past 209,715,200 bytes without a line break`,
    );
  });

  testCompiled("readBatchResults in a process of its own: memory stays bounded", async () => {
    const script = join(work, "read.cjs");
    writeFileSync(
      script,
      `const { readBatchResults } = require(${JSON.stringify(join(REPO_ROOT, "dist", "provider", "results"))});
(async () => {
  let count = 0;
  for await (const _ of readBatchResults(process.argv[2], { input: process.argv[3] })) count += 1;
  console.log(count);
})().catch((error) => { console.error(error.message); process.exitCode = 2; });
`,
    );
    writeFileSync(join(work, "abc.jsonl"), REQUESTS.map((r) => `${JSON.stringify(r)}\n`).join(""));
    serveNoLine();
    serveBatch(server, "batch_fine", {
      output: { body: outputLine("a") + outputLine("b") + outputLine("c") },
    });
    const env = {
      PATH: process.env.PATH ?? "",
      OPENAI_API_KEY: KEY,
      OPENAI_BASE_URL: server.url,
      TMPDIR: tmp,
    };
    const fine = await runBinMeasured(script, ["batch_fine", join(work, "abc.jsonl")], { env, cwd: work });
    expect(fine.stdout).toBe("3\n");
    const noLine = await runBinMeasured(script, ["batch_noline", join(work, "abc.jsonl")], {
      env,
      cwd: work,
    });
    expect(noLine.peakRssMiB - fine.peakRssMiB).toBeLessThan(300);
    expect(noLine.code).toBe(2);
    expect(noLine.stderr).toContain("line 2 of the output file file-output-batch_noline: it starts at byte");
  });

  test("resultsPath: a body without end stops past the file's bytes; no temporary file stays behind", async () => {
    const line = outputLine("a");
    serveBatch(server, "batch_endless", {
      output: { body: repeated(line), bytes: 5 * line.length },
      error: { body: errorLine("b", "server_error", "boom") },
    });
    const { olds, news } = completed("batch_endless", { resultsPath: "endless.jsonl" });
    const error = await failureOf(provider.update!("batch_endless", olds, news));
    expect(isBatchWaitError(error)).toBe(true);
    expect(error.message).toContain(
      `Could not read the results of batch batch_endless: Could not download file file-output-batch_endless: the file's metadata gives its size as ${5 * line.length} bytes, but the answer sent more than ${5 * line.length + 65_536} bytes and was stopped there`,
    );
    expect(existsSync(join(work, "endless.jsonl"))).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  test("an API error with a 300 MB body: the message holds the first of it, cut", async () => {
    server.answer("GET", "/v1/batches/batch_huge_error", {
      status: 400,
      headers: { "content-type": "application/json" },
      body: prefixed('{"error":{"message":"', repeated("A", 300 * MiB)),
    });
    const error = await failureOf(provider.read!("batch_huge_error", completed("batch_huge_error", {}).olds));
    expect(isBatchApiError(error)).toBe(true);
    expect(error.message).toMatch(
      /^Could not retrieve the batch: 400 \{"error":\{"message":"A+…\(cut\) \(HTTP 400\)\.$/,
    );
    expect((error as unknown as { apiMessage: string }).apiMessage.length).toBeLessThan(9_000);
  });
});

/** A provider whose requests time out after half a second, and which does not retry. */
async function impatientProvider(): Promise<BatchResourceProvider> {
  const impatient = createBatchProvider({
    env: {},
    cwd: () => work,
    sleep: async () => undefined,
    log: createLogger("off", () => undefined),
  });
  const config: Record<string, string> = {
    "openai:apiKey": KEY,
    "openai:baseUrl": server.url,
    "openai:maxRetries": "0",
    "openai:requestTimeoutSeconds": "0.5",
  };
  await impatient.configure({ config: { get: (name: string) => config[name] } });
  return impatient;
}

describe("bounded answers of the other calls", () => {
  test("a download that stops sending is cut after the request time-out, and gives up", async () => {
    const head = outputLine("a");
    serveBatch(server, "batch_stalled_download", {
      output: {
        body: async function* () {
          yield Buffer.from(head);
          await new Promise(() => undefined);
        },
        bytes: 10_000,
      },
      error: { body: errorLine("b", "server_error", "boom") },
    });
    const { olds, news } = completed("batch_stalled_download", { resultsPath: "stalled.jsonl" });
    const impatient = await impatientProvider();
    const error = await failureOf(impatient.update!("batch_stalled_download", olds, news));
    expect(error.message).toContain(
      `Could not download file file-output-batch_stalled_download: the download was cut off after ${head.length} bytes (no byte came for 0.5 s (openai:requestTimeoutSeconds)) and 1 resumes in a row brought no new byte`,
    );
    // Each stalled answer was cancelled: its connection closed, not left open.
    const downloads = server.calls.filter(
      (call) => call.path === "/v1/files/file-output-batch_stalled_download/content",
    );
    expect(downloads.map((call) => [call.range, call.closedEarly])).toEqual([
      [undefined, true],
      [`bytes=${head.length}-`, true],
    ]);
    expect(leftovers()).toEqual([]);
  });

  test("a JSON answer longer than 64 MiB is refused, not read whole", async () => {
    server.answer("GET", "/v1/batches/batch_big_json", {
      headers: { "content-type": "application/json" },
      body: async function* () {
        yield Buffer.from('{"id":"batch_big_json","status":"completed","pad":"');
        yield* repeated("p", 80 * MiB)();
        yield Buffer.from('"}');
      },
    });
    const error = await failureOf(provider.read!("batch_big_json", completed("batch_big_json", {}).olds));
    expect(error.message).toBe(
      "Could not retrieve the batch: the answer to GET /v1/batches/batch_big_json is longer than 64 MiB, so it was not read; the server does not answer as the OpenAI API does (check openai:baseUrl, or OPENAI_BASE_URL) (no HTTP response). It is safe to run the command again.",
    );
  });

  test.each([200, 400])(
    "an answer (status %i) that stops half-way ends with the request time-out",
    async (status) => {
      server.answer("GET", `/v1/batches/batch_stalled_${status}`, {
        status,
        headers: { "content-type": "application/json" },
        body: async function* () {
          yield Buffer.from('{"id":"batch_stalled",');
          await new Promise(() => undefined);
        },
      });
      const impatient = await impatientProvider();
      const id = `batch_stalled_${status}`;
      const error = await failureOf(impatient.read!(id, completed(id, {}).olds));
      expect(error.message).toBe(
        `Could not retrieve the batch: the request to the API at ${server.url} timed out (raise openai:requestTimeoutSeconds if the network is slow) (no HTTP response). It is safe to run the command again.`,
      );
    },
  );
});

describe("the server's text in what the provider says", () => {
  const code = `${ESC}]0;owned\u0007x\u202e`;
  const message = `${ESC}[2J\nBatch fine: all requests succeeded. ${"m".repeat(2_000)}`;

  test("maxFailedRatio: the message escapes and cuts the error file's codes and messages; the results keep them", async () => {
    serveBatch(server, "batch_policy", {
      output: { body: outputLine("a") },
      error: { body: `${errorLine("b", code, message)}${errorLine("c", code, message)}` },
    });
    const { olds, news } = completed("batch_policy", { resultsPath: "policy.jsonl", maxFailedRatio: 0.5 });
    const error = await failureOf(provider.update!("batch_policy", olds, news));
    expect(isBatchWaitError(error)).toBe(true);
    expect(error.message).not.toMatch(RAW_CONTROLS);
    expect(error.message).toContain(
      `Most frequent errors: \\x1b]0;owned\\x07x\\u202e ×2 (e.g. b: \\x1b[2J\\nBatch fine: all requests succeeded. ${"m".repeat(500 - (message.length - 2_000))}…(cut)).`,
    );
    const records = readFileSync(join(work, "policy.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { error?: unknown });
    expect(records[1]?.error).toEqual({ code, message });
    expect(leftovers()).toEqual([]);
  });

  test("a file id with control characters in a message about the results is escaped", async () => {
    const errorFileId = `file-${ESC}[2J\u202e`;
    server.answer(
      "GET",
      `/v1/files/${encodeURIComponent(errorFileId)}`,
      json({ ...fileObject(errorFileId, 8) }),
    );
    server.answer("GET", `/v1/files/${encodeURIComponent(errorFileId)}/content`, { body: '{"x":1}\n' });
    const { olds, news } = completed("batch_odd_id", { resultsPath: "odd.jsonl" });
    const { outputFileId: _none, ...withoutOutput } = olds;
    const error = await failureOf(provider.update!("batch_odd_id", { ...withoutOutput, errorFileId }, news));
    expect(isBatchWaitError(error)).toBe(true);
    expect(error.message).toBe(
      "Could not read the results of batch batch_odd_id: line 1 of the error file file-\\x1b[2J\\u202e: it has no custom_id The batch is recorded in the state; the next `pulumi up` tries again.",
    );
  });

  test("an API error: control sequences in its message, code, param and request id are escaped", async () => {
    server.answer(
      "GET",
      "/v1/batches/batch_controls",
      json(
        {
          error: { message: `${ESC}[2J${ESC}]0;t\u0007\nfake line`, code: `${ESC}[31mred`, param: "\u202ep" },
        },
        400,
        { "x-request-id": "req_\u009b2J" },
      ),
    );
    const error = await failureOf(provider.read!("batch_controls", completed("batch_controls", {}).olds));
    expect(error.message).toBe(
      "Could not retrieve the batch: \\x1b[2J\\x1b]0;t\\x07\\nfake line (HTTP 400, code \\x1b[31mred, param \\u202ep, request id req_\u00c2\\x9b2J).",
    );
  });

  test("a key a server echoes in the message, code, param, request id and status text is in no field", async () => {
    server.answer("GET", "/v1/batches/batch_echo", {
      ...json(
        { error: { message: `key ${KEY} refused`, code: `c_${KEY}`, param: `p_${KEY}`, type: "x" } },
        400,
        { "x-request-id": `req_${KEY}` },
      ),
      statusText: `Bad ${KEY}`,
    });
    server.answer("GET", "/v1/batches/batch_echo_text", {
      status: 502,
      statusText: `Bad ${KEY}`,
      body: `<html>${KEY}</html>`,
    });
    for (const id of ["batch_echo", "batch_echo_text"]) {
      const error = await failureOf(provider.read!(id, completed(id, {}).olds));
      expect(isBatchApiError(error)).toBe(true);
      const shown = JSON.stringify({ ...error, message: error.message, stack: error.stack });
      expect(shown).toContain("***");
      expect(shown).not.toContain(KEY);
    }
    expect(logs.join("\n")).not.toContain(KEY);
  });
});
