/**
 * `openai-batch ... | head -1`: when the reader of the output goes away, every command ends
 * quietly with exit code 0, as a Unix tool does (no EPIPE crash, no message). The command runs as
 * a process; its stdout is closed after the first line it writes (the output is far larger than a
 * pipe holds, so the command is still writing), or before it writes anything at all (commands
 * whose whole output fits in a pipe). In process, with streams of its own, a write that fails
 * with EPIPE ends the command quietly too.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { CliCommand } from "../../provider/cli/command";
import { runCli } from "../../provider/cli/dispatch";
import {
  chatJsonl,
  createBatch,
  requestLine,
  startTestEmulator,
  type TestEmulator,
} from "../emulator/support/harness";
import { OPENAI_BATCH_BIN, runBin } from "../support/run-cli";

const dir = mkdtempSync(join(tmpdir(), "cli-closed-output-"));
let target: TestEmulator;
let batchId: string;

/** More records than a pipe holds (64 KiB), so that the command is still writing when the reader goes. */
const REQUESTS = 1_000;

beforeAll(async () => {
  // With an output limit, so that estimate has no warning to print.
  const bounded = { model: "gpt-4o-mini", max_tokens: 10, messages: [{ role: "user", content: "hi" }] };
  writeFileSync(join(dir, "one.jsonl"), `${requestLine("a", undefined, bounded)}\n`);
  writeFileSync(join(dir, "requests.jsonl"), chatJsonl(REQUESTS));
  target = await startTestEmulator();
  batchId = (await createBatch(target.client, chatJsonl(REQUESTS))).id;
  await target.emulator.advance(60_000);
});
afterAll(async () => {
  await target?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Closes the command's stdout after its first line, or at once. */
function closeStdout(when: "after the first line" | "at once") {
  return (child: ChildProcess) => {
    if (when === "at once") {
      child.stdout?.destroy();
      return;
    }
    let seen = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes("\n")) child.stdout?.destroy();
    });
  };
}

const run = (args: string[], when: "after the first line" | "at once") =>
  runBin(OPENAI_BATCH_BIN, args, {
    cwd: dir,
    killAfterMs: 60_000,
    env: {
      PATH: process.env.PATH ?? "",
      OPENAI_API_KEY: target.emulator.apiKey,
      OPENAI_BASE_URL: target.emulator.url,
    },
    started: closeStdout(when),
  });

describe("a reader that goes away early: exit 0, nothing on stderr", () => {
  test.each([
    ["results, records on stdout", () => ["results", batchId, "--input", "requests.jsonl"]],
    ["results --json, records on stdout", () => ["results", batchId, "--json"]],
    ["validate of many files", () => ["validate", ...Array.from({ length: 3_000 }, () => "one.jsonl")]],
  ])("%s, stdout closed after the first line", async (_name, args) => {
    const result = await run(args(), "after the first line");
    expect({ code: result.code, signal: result.signal, stderr: result.stderr }).toEqual({
      code: 0,
      signal: null,
      stderr: "",
    });
    // It had begun: the first line came.
    expect(result.stdout).toMatch(/^.+\n/);
  });

  test.each([
    ["estimate", ["estimate", "one.jsonl"]],
    ["estimate --json", ["estimate", "one.jsonl", "--json"]],
    ["validate", ["validate", "one.jsonl"]],
    ["validate --json", ["validate", "one.jsonl", "--json"]],
    ["--help", ["--help"]],
    ["a command's --help", ["results", "--help"]],
    ["--version", ["--version"]],
    ["a usage error under --json", ["validate", "--json", "--fast"]],
  ])("%s, stdout closed before it writes", async (_name, args) => {
    const result = await run(args, "at once");
    expect(result).toEqual({ code: 0, signal: null, stdout: "", stderr: "" });
  });
});

describe("in process (runCli with streams of its own): a write that fails with EPIPE ends quietly too", () => {
  /** A stdout whose reader has gone: every write fails with EPIPE, as a closed pipe's does. */
  const closedPipe = () =>
    new Writable({
      write(_chunk, _encoding, callback) {
        callback(Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
      },
    }).on("error", () => {
      // The command hears of it through the write's callback; nothing else listens here.
    });

  const io = (stderr: string[]) => ({
    stdout: closedPipe(),
    stderr: new Writable({
      write(chunk, _encoding, callback) {
        stderr.push(String(chunk));
        callback();
      },
    }),
    stdin: Readable.from([]),
    cwd: dir,
  });

  test("results, records on stdout: exit 0, nothing on stderr", async () => {
    const stderr: string[] = [];
    const saved = { key: process.env.OPENAI_API_KEY, url: process.env.OPENAI_BASE_URL };
    process.env.OPENAI_API_KEY = target.emulator.apiKey;
    process.env.OPENAI_BASE_URL = target.emulator.url;
    try {
      expect(await runCli(["results", batchId, "--input", "requests.jsonl"], io(stderr))).toBe(0);
    } finally {
      restore("OPENAI_API_KEY", saved.key);
      restore("OPENAI_BASE_URL", saved.url);
    }
    expect(stderr).toEqual([]);
  });

  test("a command that fails with EPIPE: exit 0, no message", async () => {
    const stderr: string[] = [];
    const failing: CliCommand = {
      name: "print",
      summary: "print",
      usage: "Usage: print",
      run: async () => {
        throw Object.assign(new Error("write EPIPE"), { code: "EPIPE" });
      },
    };
    expect(await runCli(["print"], io(stderr), [failing])).toBe(0);
    expect(stderr).toEqual([]);
  });
});

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
