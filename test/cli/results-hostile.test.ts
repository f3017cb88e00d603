/**
 * `openai-batch results` as a process against a faulty or hostile server (a test server of its
 * own, not the emulator): no server can fill its memory or keep it running, what it prints of the
 * server's text does nothing to a terminal and never carries the key, and no temporary file stays
 * behind, whether the run fails, is stopped by a signal, or is killed.
 */
import type { ChildProcess } from "node:child_process";
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
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  errorLine,
  type HostileServer,
  json,
  outputLine,
  prefixed,
  repeated,
  serveBatch,
  startHostileServer,
} from "../support/hostile-server";
import { type CliRunOptions, OPENAI_BATCH_BIN, runBin, runBinMeasured } from "../support/run-cli";

const KEY = `sk-hostile-${randomBytes(12).toString("hex")}`;
const MiB = 1 << 20;
const ESC = "\u001b";
/** Characters that must never reach a terminal raw: ESC, BEL, C1 CSI, a right-to-left override. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for raw control characters is the point
const RAW_CONTROLS = /[\u0007\u001b\u009b\u202e]/;

const work = mkdtempSync(join(tmpdir(), "results-hostile-"));
/** The children's TMPDIR: their spool folders are made under it. */
const tmp = join(work, "tmp");
const spoolRoot = join(
  tmp,
  process.getuid === undefined ? "pulumi-openai-batch" : `pulumi-openai-batch-${process.getuid()}`,
);
let server: HostileServer;
/** The peak RSS of a run that reads a small batch, in the same conditions: the baseline. */
let baselineMiB: number;

const env = (): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH ?? "",
  OPENAI_API_KEY: KEY,
  OPENAI_BASE_URL: server.url,
  TMPDIR: tmp,
});
const options = (more: CliRunOptions = {}): CliRunOptions => ({
  cwd: work,
  killAfterMs: 60_000,
  env: env(),
  ...more,
});
const results = (args: string[], more?: CliRunOptions) =>
  runBinMeasured(OPENAI_BATCH_BIN, ["results", ...args], options(more));

beforeAll(async () => {
  server = await startHostileServer();
  mkdirSync(tmp);
  writeFileSync(join(work, "ab.jsonl"), `${request("a")}${request("b")}`);
  serveBatch(server, "batch_small", { output: { body: `${outputLine("a")}${outputLine("b")}` } });
  const small = await results(["batch_small", "--input", "ab.jsonl"]);
  expect(small.stderr).toBe("batch_small: 2 requests: 2 succeeded\n");
  baselineMiB = small.peakRssMiB;
});
afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

function request(customId: string): string {
  return `${JSON.stringify({ custom_id: customId, method: "POST", url: "/v1/chat/completions", body: { model: "m", messages: [] } })}\n`;
}

/** What the runs left: temporary files beside `out` and spool folders. */
function leftovers(): string[] {
  const spools = existsSync(spoolRoot) ? readdirSync(spoolRoot).map((name) => `spool:${name}`) : [];
  return [...readdirSync(work).filter((name) => name.endsWith(".tmp")), ...spools];
}

describe("bounded reading", () => {
  test("an output file without a line break: an error naming the file and the byte, memory bounded", async () => {
    const head = outputLine("a");
    const size = 400 * MiB;
    serveBatch(server, "batch_noline", {
      output: { body: prefixed(head, repeated("x", size)), bytes: head.length + size },
    });
    const run = await results(["batch_noline"]);
    // At most the bound is held (200 MiB), never the whole body.
    expect(run.peakRssMiB - baselineMiB).toBeLessThan(300);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `openai-batch results: Could not read the batch's results: line 2 of the output file file-output-batch_noline: it starts at byte ${head.length} and runs past 209,715,200 bytes without a line break; a line may be at most 209,715,200 bytes (200 MiB, the API's limit on a whole batch file), so this is not a file of JSONL lines (no HTTP response). It is safe to run the command again.\n`,
    );
  });

  test("an endless output file is stopped just past its size; nothing stays behind", async () => {
    const line = outputLine("a");
    serveBatch(server, "batch_endless", {
      output: { body: repeated(line), bytes: 10 * line.length },
      error: { body: errorLine("b", "server_error", "boom") },
    });
    const run = await results(["batch_endless", "--input", "ab.jsonl", "--out", "endless.jsonl"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `Could not download file file-output-batch_endless: the file's metadata gives its size as ${10 * line.length} bytes, but the answer sent more than ${10 * line.length + 65_536} bytes and was stopped there`,
    );
    expect(run.peakRssMiB - baselineMiB).toBeLessThan(64);
    expect(existsSync(join(work, "endless.jsonl"))).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  test("a body longer than the file's bytes is refused from its length, before it is read", async () => {
    const body = outputLine("a").repeat(20_000);
    serveBatch(server, "batch_long", { output: { body, bytes: 1_000 } });
    const run = await results(["batch_long"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(
      `the file's metadata gives its size as 1000 bytes, but the answer announces ${body.length} bytes`,
    );
  });

  test("a 300 MB error body: 8 KiB of it read, the message cut and marked, memory bounded", async () => {
    server.answer("GET", "/v1/batches/batch_huge_error", {
      status: 400,
      headers: { "content-type": "application/json" },
      body: prefixed('{"error":{"type":"invalid_request_error","message":"', repeated("A", 300 * MiB)),
    });
    const run = await results(["batch_huge_error"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^openai-batch results: Could not retrieve the batch: 400 \{"error":/);
    expect(run.stderr).toContain("A…(cut)");
    expect(run.stderr.length).toBeLessThan(3_000);
    expect(run.peakRssMiB - baselineMiB).toBeLessThan(64);
  });
});

describe("the server's text is escaped and never carries the key", () => {
  test("control sequences in an API error's message, code, param, request id and status text", async () => {
    server.answer("GET", "/v1/batches/batch_controls", {
      ...json(
        {
          error: {
            message: `${ESC}[2J${ESC}]0;owned\u0007\nbatch_controls: 3 requests: 3 succeeded`,
            code: `${ESC}[31mred`,
            param: "\u202eparam",
            type: "invalid_request_error",
          },
        },
        400,
        { "x-request-id": "req_\u009b2J" },
      ),
      statusText: "Bad \u009b2J",
    });
    const plain = await results(["batch_controls"]);
    expect(plain.code).toBe(2);
    expect(plain.stderr).not.toMatch(RAW_CONTROLS);
    expect(plain.stderr).toBe(
      // The request id's U+009B goes out as UTF-8 (C2 9B) and comes back read as Latin-1: "Â" and a C1 CSI.
      "openai-batch results: Could not retrieve the batch: \\x1b[2J\\x1b]0;owned\\x07\\nbatch_controls: 3 requests: 3 succeeded (HTTP 400, code \\x1b[31mred, param \\u202eparam, request id req_\u00c2\\x9b2J).\n",
    );
    const asJson = await results(["batch_controls", "--json"]);
    expect(`${asJson.stdout}${asJson.stderr}`).not.toMatch(RAW_CONTROLS);
    // The document is data: the same values, escaped as JSON.
    const document = JSON.parse(asJson.stderr) as { error: { code: string; requestId: string } };
    expect(document.error.code).toBe(`${ESC}[31mred`);
    expect(document.error.requestId).toBe("req_\u00c2\u009b2J");
  });

  test("control sequences in the error file: the summary is escaped, the records keep the values", async () => {
    const code = `${ESC}]0;title\u0007x\u202e`;
    const message = `${ESC}[2J\nDone`;
    serveBatch(server, "batch_error_file", {
      output: { body: outputLine("a") },
      error: { body: errorLine("b", code, message) },
    });
    const run = await results(["batch_error_file", "--input", "ab.jsonl"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      "batch_error_file: 2 requests: 1 succeeded, 1 failed (\\x1b]0;title\\x07x\\u202e 1)\n",
    );
    const records = run.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { error?: { code: string; message: string } });
    expect(records[1]?.error).toEqual({ code, message });
  });

  test("a key a server echoes in every field of an error never reaches the output", async () => {
    server.answer("GET", "/v1/batches/batch_echo", {
      ...json(
        {
          error: {
            message: `The key ${KEY} is refused`,
            code: `code_${KEY}`,
            param: `param_${KEY}`,
            type: "invalid_request_error",
          },
        },
        400,
        { "x-request-id": `req_${KEY}` },
      ),
      statusText: `Bad ${KEY}`,
    });
    server.answer("GET", "/v1/batches/batch_echo_cut", {
      status: 500,
      body: prefixed(`{"error":{"message":"${KEY}`, repeated(` ${KEY}`, 1 * MiB)),
    });
    for (const id of ["batch_echo", "batch_echo_cut"]) {
      for (const args of [[id], [id, "--json"], [id, "--json", "--out", "echo.jsonl"]]) {
        const run = await results(args);
        expect(run.code).toBe(2);
        expect(`${run.stdout}${run.stderr}`).toContain("***");
        expect(`${run.stdout}${run.stderr}`).not.toContain(KEY);
      }
    }
  });

  test("a key in the error file's codes stays in the records (data) and out of the summary", async () => {
    serveBatch(server, "batch_echo_file", {
      output: { body: outputLine("a") },
      error: { body: errorLine("b", `code_${KEY}`, `message ${KEY}`) },
    });
    for (const args of [[], ["--json"]]) {
      const run = await results([
        "batch_echo_file",
        "--input",
        "ab.jsonl",
        "--out",
        "echo-file.jsonl",
        ...args,
      ]);
      expect(run.code).toBe(1);
      expect(`${run.stdout}${run.stderr}`).toContain("code_***");
      expect(`${run.stdout}${run.stderr}`).not.toContain(KEY);
      expect(readFileSync(join(work, "echo-file.jsonl"), "utf8")).toContain(`"code":"code_${KEY}"`);
    }
  });
});

describe("temporary files", () => {
  /** An output file that sends its first line, then nothing until the server closes: a run stays in the middle. */
  function serveStalled(id: string): void {
    serveBatch(server, id, {
      output: {
        body: async function* () {
          yield Buffer.from(outputLine("a"));
          await new Promise(() => undefined);
        },
        bytes: 10_000,
      },
      error: { body: errorLine("b", "server_error", "boom") },
    });
  }

  const pidOf = (child: ChildProcess | undefined) => child?.pid ?? Number.NaN;

  /** Starts a run that stalls, waits until its temporary file and spool exist, and hands it over. */
  async function stalledRun(id: string, out: string, stop: (child: ChildProcess) => void) {
    let child: ChildProcess | undefined;
    const run = runBin(OPENAI_BATCH_BIN, ["results", id, "--input", "ab.jsonl", "--out", out], {
      ...options(),
      started: (started) => {
        child = started;
      },
    });
    for (let tries = 0; tries < 600 && leftovers().length < 2; tries += 1) await sleep(50);
    expect(leftovers()).toEqual([
      expect.stringMatching(new RegExp(`^\\.${out}\\.${pidOf(child)}\\.[0-9a-f]{12}\\.tmp$`)),
      expect.stringMatching(new RegExp(`^spool:${pidOf(child)}-results-`)),
    ]);
    stop(child!);
    return run;
  }

  test("a run killed mid-write leaves its files, and the next run removes them", async () => {
    serveStalled("batch_killed");
    const killed = await stalledRun("batch_killed", "killed.jsonl", (child) => child.kill("SIGKILL"));
    expect(killed.signal).toBe("SIGKILL");
    expect(leftovers()).toHaveLength(2);
    serveBatch(server, "batch_killed", {
      output: { body: outputLine("a") },
      error: { body: errorLine("b", "server_error", "boom") },
    });
    const next = await results(["batch_killed", "--input", "ab.jsonl", "--out", "killed.jsonl"]);
    expect(next.code).toBe(1);
    expect(leftovers()).toEqual([]);
    expect(readFileSync(join(work, "killed.jsonl"), "utf8").trim().split("\n")).toHaveLength(2);
  });

  test.each([
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ] as const)(
    "%s mid-write: the run removes its temporary file and spool on the way out",
    async (signal, code) => {
      serveStalled(`batch_${signal}`);
      const stopped = await stalledRun(`batch_${signal}`, `${signal}.jsonl`, (child) => child.kill(signal));
      expect([stopped.code, stopped.signal]).toEqual([code, null]);
      expect(leftovers()).toEqual([]);
      expect(existsSync(join(work, `${signal}.jsonl`))).toBe(false);
    },
  );
});
