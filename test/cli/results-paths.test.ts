/**
 * `openai-batch results` as a process: a file it would write that is its --input (under any
 * spelling) or its other output is refused as a usage error (exit 2) before any request is made,
 * and the input is left as it was.
 */
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { OPENAI_BATCH_BIN, runBin } from "../support/run-cli";

const dir = realpathSync(mkdtempSync(join(tmpdir(), "cli-results-paths-")));
const INPUT = '{"custom_id":"a","method":"POST","url":"/v1/chat/completions","body":{}}\n';
writeFileSync(join(dir, "in.jsonl"), INPUT);
mkdirSync(join(dir, "sub"));
symlinkSync(join(dir, "in.jsonl"), join(dir, "link.jsonl"));

// Every request the command makes is counted; there must be none.
let requests = 0;
let server: Server;
let baseUrl: string;
beforeAll(async () => {
  server = createServer((_request, response) => {
    requests += 1;
    response.writeHead(500, { "content-type": "application/json" });
    response.end('{"error":{"message":"no request was expected","type":"server_error"}}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const run = (args: string[]) =>
  runBin(OPENAI_BATCH_BIN, ["results", "batch_abc", ...args], {
    cwd: dir,
    killAfterMs: 30_000,
    env: {
      PATH: process.env.PATH ?? "",
      OPENAI_API_KEY: "sk-test",
      OPENAI_BASE_URL: baseUrl,
      OPENAI_MAX_RETRIES: "0",
    },
  });

test.each([
  ["--out", "in.jsonl"],
  ["--out", "./in.jsonl"],
  ["--out", join(dir, "in.jsonl")],
  ["--out", "link.jsonl"],
  ["--out", "sub/../in.jsonl"],
  ["--failed-requests", "in.jsonl"],
  ["--failed-requests", "./link.jsonl"],
])("%s %s, the --input file, exits 2 before any request and leaves the input", async (option, path) => {
  const before = requests;
  const result = await run(["--input", "in.jsonl", option, path]);
  expect(result.code).toBe(2);
  expect(result.stdout).toBe("");
  expect(result.stderr).toBe(
    `openai-batch results: ${option} ${JSON.stringify(path)} is the same file as --input "in.jsonl" (${join(dir, "in.jsonl")}): writing there would overwrite the input; give ${option} another path\nRun "openai-batch results --help" for the options.\n`,
  );
  expect(requests).toBe(before);
  expect(readFileSync(join(dir, "in.jsonl"), "utf8")).toBe(INPUT);
});

test("--out and --failed-requests that are one file: a usage error under --json, before any request", async () => {
  const before = requests;
  const result = await run([
    "--input",
    "in.jsonl",
    "--out",
    "r.jsonl",
    "--failed-requests",
    "./r.jsonl",
    "--json",
  ]);
  expect(result).toMatchObject({ code: 2, stderr: "" });
  expect(JSON.parse(result.stdout)).toEqual({
    ok: false,
    error: {
      kind: "usage",
      message: `--failed-requests "./r.jsonl" is the same file as --out "r.jsonl" (${join(dir, "r.jsonl")}): one would overwrite the other; give --failed-requests another path`,
    },
  });
  expect(requests).toBe(before);
});

test("an --out under a regular file: a file error before any request", async () => {
  const before = requests;
  const result = await run(["--out", "in.jsonl/r.jsonl", "--json"]);
  expect(result).toMatchObject({ code: 2, stderr: "" });
  expect(JSON.parse(result.stdout)).toEqual({
    ok: false,
    error: {
      kind: "file",
      message: `cannot write ${join(dir, "in.jsonl/r.jsonl")}: ${join(dir, "in.jsonl")} is a file, not a folder, so nothing can be made under it`,
      file: join(dir, "in.jsonl/r.jsonl"),
    },
  });
  expect(requests).toBe(before);
});

test("the counting server does count: a command with good paths asks it for the batch", async () => {
  const before = requests;
  const result = await run(["--input", "in.jsonl", "--out", "results.jsonl"]);
  expect(result.code).toBe(2);
  expect(requests).toBeGreaterThan(before);
});
