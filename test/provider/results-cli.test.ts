import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { parseResultsArguments } from "../../provider/cli/commands/results-arguments";
import { CliUsageError } from "../../provider/cli/errors";
import {
  chatJsonl,
  createBatch,
  REPO_ROOT,
  startTestEmulator,
  type TestEmulator,
} from "../emulator/support/harness";

/** The compiled command, as `npm run build` leaves it. */
const CLI = join(REPO_ROOT, "dist", "provider", "cli", "main.js");
const dir = mkdtempSync(join(tmpdir(), "results-cli-"));
let env: TestEmulator | undefined;

beforeAll(() => {
  if (!existsSync(CLI)) throw new RangeError(`${CLI} is missing: run \`npm run build\` before this suite.`);
});
afterEach(async () => {
  await env?.close();
  env = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], target: TestEmulator | undefined): Promise<Run> {
  const child = spawn(process.execPath, [CLI, "results", ...args], {
    env: {
      PATH: process.env.PATH ?? "",
      ...(target === undefined
        ? {}
        : { OPENAI_API_KEY: target.emulator.apiKey, OPENAI_BASE_URL: target.emulator.url }),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
}

/** A finished batch of `count` chat requests whose first `failed` requests failed with a 500. */
async function finishedBatch(count: number, failed: number): Promise<{ id: string; input: string }> {
  env = await startTestEmulator({
    faults: failed > 0 ? [{ kind: "request_failure", count: failed, statusCode: 500 }] : [],
  });
  const content = chatJsonl(count);
  const created = await createBatch(env.client, content);
  await env.emulator.advance(60_000);
  const input = join(dir, `input-${created.id}.jsonl`);
  writeFileSync(input, content.replace("\n", "\r\n"));
  return { id: created.id, input };
}

const lines = (text: string) => text.split("\n").filter((line) => line !== "");

describe("openai-batch results", () => {
  test("all succeeded: records on stdout in input order, summary on stderr, exit 0", async () => {
    const { id, input } = await finishedBatch(3, 0);
    const result = await run([id, "--input", input], env);
    expect(result.stderr).toBe(`${id}: 3 requests: 3 succeeded\n`);
    expect(result.code).toBe(0);
    const records = lines(result.stdout).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map((r) => [r.custom_id, r.line, r.status, r.statusCode])).toEqual([
      ["req-1", 1, "succeeded", 200],
      ["req-2", 2, "succeeded", 200],
      ["req-3", 3, "succeeded", 200],
    ]);
  });

  test("some failed: --out and --failed-requests write files, the failed input lines byte for byte, exit 1", async () => {
    const { id, input } = await finishedBatch(4, 2);
    const out = join(dir, "results.jsonl");
    const retry = join(dir, "retry.jsonl");
    const result = await run([id, "--input", input, "--out", out, "--failed-requests", retry], env);
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr: `${id}: 4 requests: 2 succeeded, 2 failed (server_error 2); records in ${out}; failed requests in ${retry}\n`,
    });
    expect(
      lines(readFileSync(out, "utf8")).map((line) => (JSON.parse(line) as { status: string }).status),
    ).toEqual(["failed", "failed", "succeeded", "succeeded"]);
    const inputBytes = readFileSync(input);
    const firstTwo = inputBytes.subarray(0, inputBytes.indexOf("\n", inputBytes.indexOf("\n") + 1) + 1);
    expect(readFileSync(retry).equals(firstTwo)).toBe(true);
    expect(firstTwo.includes("\r\n")).toBe(true);
  });

  test("--json with --out prints the summary as one JSON document on stdout", async () => {
    const { id } = await finishedBatch(2, 1);
    const result = await run([id, "--json", "--out", join(dir, "r.jsonl")], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual({
      ok: false,
      batchId: id,
      status: "completed",
      succeeded: 1,
      failed: 1,
      expired: 0,
      cancelled: 0,
      missing: 0,
      errorCodes: { server_error: 1 },
      out: join(dir, "r.jsonl"),
    });
  });

  test("an unknown batch id exits 2 and is named; so is a missing key", async () => {
    env = await startTestEmulator();
    const unknown = await run(["batch_nope"], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("no batch found with id 'batch_nope'");
    const noKey = await run(["batch_nope"], undefined);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain("OPENAI_API_KEY");
  });

  test("usage errors exit 2", async () => {
    const result = await run(["--failed-requests", "x.jsonl", "batch_1"], undefined);
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr:
        'openai-batch results: --failed-requests copies lines of the input, so it needs --input <the batch\'s input file>\nRun "openai-batch results --help" for the options.\n',
    });
  });
});

describe("results arguments", () => {
  test.each([
    [
      ["b1", "--input", "in.jsonl", "--out=o.jsonl", "--json"],
      { batchId: "b1", input: "in.jsonl", out: "o.jsonl", failedRequests: undefined, json: true },
    ],
    [
      ["--failed-requests=r.jsonl", "b1", "--input", "in.jsonl"],
      { batchId: "b1", input: "in.jsonl", out: undefined, failedRequests: "r.jsonl", json: false },
    ],
  ])("%j", (argv, expected) => {
    expect(parseResultsArguments(argv)).toEqual(expected);
  });

  test.each([
    [[], "name the batch, e.g. openai-batch results batch_abc123"],
    [["b1", "b2"], "one batch at a time; got b1 and b2"],
    [["b1", "--out"], "--out needs a value, e.g. --out results.jsonl"],
    [["b1", "--out", "--json"], "--out needs a value, e.g. --out results.jsonl"],
    [["b1", "--fast"], "unknown option --fast"],
    [["b1", "--json=1"], "--json takes no value"],
    [
      ["b1", "--failed-requests", "r.jsonl"],
      "--failed-requests copies lines of the input, so it needs --input <the batch's input file>",
    ],
  ])("%j is refused", (argv, message) => {
    expect(() => parseResultsArguments(argv)).toThrow(new CliUsageError(message));
  });
});
