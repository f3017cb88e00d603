import { spawnSync } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { BATCH_ENDPOINTS } from "../../provider/contract";
import { REPO_ROOT } from "../support/repo";
import { OPENAI_BATCH_BIN, runBin } from "../support/run-cli";

/** The compiled command, as `npm run build` leaves it. */
const CLI = join(REPO_ROOT, "dist", "provider", "cli", "main.js");
const dir = mkdtempSync(join(tmpdir(), "estimate-cli-"));

type JsTiktoken = typeof import("js-tiktoken", { with: { "resolution-mode": "import" }});
let o200k: ReturnType<JsTiktoken["getEncoding"]>;

beforeAll(async () => {
  if (!existsSync(CLI)) throw new RangeError(`${CLI} is missing: run \`npm run build\` before this suite.`);
  o200k = (await import("js-tiktoken")).getEncoding("o200k_base");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, "estimate", ...args], { encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function file(name: string, bodies: Record<string, unknown>[]): string {
  const path = join(dir, name);
  const lines = bodies.map((body, index) =>
    JSON.stringify({ custom_id: `r${index}`, method: "POST", url: "/v1/chat/completions", body }),
  );
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

/** The chat recipe against the reference tokenizer: 3 per message, its values, 3 to prime the reply. */
const chatTokens = (messages: { role: string; content: string }[]) =>
  3 + messages.reduce((sum, m) => sum + 3 + o200k.encode(m.role).length + o200k.encode(m.content).length, 0);

const MESSAGES = [
  { role: "system", content: "Classify the ticket: bug, question or praise." },
  { role: "user", content: "L'application plante quand j'ouvre 設定 😡" },
];

describe("openai-batch estimate", () => {
  test("--json prints exactly the seven figures", () => {
    const path = file("chat.jsonl", [
      { model: "gpt-4o-mini", messages: MESSAGES, max_tokens: 100 },
      { model: "gpt-4o-mini", messages: MESSAGES, max_completion_tokens: 300 },
    ]);
    const result = run(path, "--json");
    expect(result.code).toBe(0);
    const inputTokens = 2 * chatTokens(MESSAGES);
    // gpt-4o-mini at batch rates: $0.075 input and $0.30 output per million tokens.
    expect(JSON.parse(result.stdout)).toEqual({
      model: "gpt-4o-mini",
      requests: 2,
      inputTokens,
      maxOutputTokens: 400,
      inputCostUsd: Math.round(inputTokens * 0.075) / 1e6,
      maxCostUsd: Math.round(inputTokens * 0.075 + 400 * 0.3) / 1e6,
      priceAsOf: "2025-08-07",
    });
    expect(result.stderr).toBe("");
  });

  test("an unknown model and unbounded output give nulls and warnings, and exit 0", () => {
    const path = file("unknown.jsonl", [{ model: "house-model-7", messages: MESSAGES }]);
    const result = run(path, "--json", "--endpoint", "/v1/chat/completions");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      model: "house-model-7",
      requests: 1,
      inputTokens: chatTokens(MESSAGES),
      maxOutputTokens: null,
      inputCostUsd: null,
      maxCostUsd: null,
      priceAsOf: null,
    });
    expect(result.stderr).toContain("warning: 1 of 1 request sets no output limit");
    expect(result.stderr).toContain("warning: no price for model house-model-7");
  });

  test("prints the same figures as text", () => {
    const path = file("text.jsonl", [{ model: "gpt-4o-mini", messages: MESSAGES, max_tokens: 10 }]);
    const result = run(path);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${path}: 1 request for gpt-4o-mini`);
    expect(result.stdout).toContain(`input tokens:       ${chatTokens(MESSAGES)}`);
    expect(result.stdout).toContain("max output tokens:  10");
    expect(result.stdout).toContain("prices as of:       2025-08-07 (batch rates)");
  });

  test.each([
    [[], "name the .jsonl file to estimate"],
    [["a.jsonl", "--endpoint", "/v1/nothing"], '--endpoint "/v1/nothing" is not a batch endpoint'],
    [["a.jsonl", "--bogus"], "unknown option --bogus"],
    [[join(dir, "missing.jsonl")], "cannot read"],
  ])("exits 2 for %j", (args, message) => {
    const result = run(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe("");
  });

  test("exits 1 when lines are not JSON requests", () => {
    const path = join(dir, "broken.jsonl");
    writeFileSync(path, '{"url":"/v1/chat/completions","body":{"model":"gpt-4o"}}\n{oops\n');
    const result = run(path);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `${path}: 1 line is not a JSON request with a body; \`openai-batch validate ${path}\` names them\n`,
    );
  });
});

describe("openai-batch estimate --json: one JSON document on stdout for every outcome", () => {
  const inDir = (...args: string[]) =>
    runBin(OPENAI_BATCH_BIN, ["estimate", ...args], { cwd: dir, killAfterMs: 20_000 });

  test.each([
    [["--json"], "name the .jsonl file to estimate"],
    [["a.jsonl", "b.jsonl", "--json"], "one file at a time; got a.jsonl and b.jsonl"],
    [["a.jsonl", "--json", "--endpoint"], "--endpoint needs a value, e.g. --endpoint /v1/chat/completions"],
    [["a.jsonl", "--json", "--fast"], "unknown option --fast"],
    [
      ["a.jsonl", "--json", "--endpoint", "/v2/chat"],
      `--endpoint "/v2/chat" is not a batch endpoint; use one of ${BATCH_ENDPOINTS.join(", ")}`,
    ],
  ])("%j: a usage error, exit 2", async (args, message) => {
    const result = await inDir(...args);
    expect(result).toMatchObject({ code: 2, stderr: "" });
    expect(JSON.parse(result.stdout)).toEqual({ ok: false, error: { kind: "usage", message } });
  });

  test("a file that starts with a byte-order mark: invalid, saying so and how to remove it, exit 1", async () => {
    writeFileSync(
      join(dir, "bom.jsonl"),
      `\uFEFF${JSON.stringify({ custom_id: "a", method: "POST", url: "/v1/chat/completions", body: { model: "gpt-4o", messages: [] } })}\n`,
    );
    const message =
      "bom.jsonl:1: the file starts with a UTF-8 byte-order mark (the bytes EF BB BF); save it as UTF-8 without a BOM, or delete those first three bytes";
    for (const args of [
      ["bom.jsonl", "--json"],
      ["bom.jsonl", "--json", "--endpoint", "/v1/chat/completions"],
    ]) {
      const result = await inDir(...args);
      expect(result).toMatchObject({ code: 1, stderr: "" });
      expect(JSON.parse(result.stdout)).toEqual({ ok: false, error: { kind: "invalid", message } });
    }
    expect(await inDir("bom.jsonl")).toEqual({ code: 1, signal: null, stdout: "", stderr: `${message}\n` });
  });

  test.each([
    [
      "a first line without a url",
      '{"custom_id":"a","body":{"model":"gpt-4o"}}\n',
      "x.jsonl:1: the line has no url to take the endpoint from; give each line its url, or pass --endpoint",
    ],
    [
      "a first line that is not JSON",
      '{oops\n{"custom_id":"a","url":"/v1/chat/completions","body":{"model":"gpt-4o"}}\n',
      "x.jsonl:1: the line is not valid JSON, so it gives no endpoint; `openai-batch validate x.jsonl` says what is wrong with it; fix it, or pass --endpoint",
    ],
    [
      "a first line whose url is no batch endpoint",
      '{"custom_id":"a","url":"/v2/chat","body":{"model":"gpt-4o"}}\n',
      `x.jsonl:1: url "/v2/chat" is not an endpoint the Batch API runs; use one of ${BATCH_ENDPOINTS.join(", ")}, or pass --endpoint`,
    ],
    ["an empty file", "", "x.jsonl: the file is empty; there are no requests to estimate"],
  ])("%s: invalid, saying what to do, exit 1", async (_name, content, message) => {
    writeFileSync(join(dir, "x.jsonl"), content);
    const result = await inDir("x.jsonl", "--json");
    expect(result).toMatchObject({ code: 1, stderr: "" });
    expect(JSON.parse(result.stdout)).toEqual({ ok: false, error: { kind: "invalid", message } });
    expect(await inDir("x.jsonl")).toEqual({ code: 1, signal: null, stdout: "", stderr: `${message}\n` });
  });

  test.each([
    ["nothing.jsonl", "there is no such file"],
    [".", "it is a directory; give the path of a .jsonl file"],
  ])("%s cannot be read: a file error naming it, exit 2", async (file, reason) => {
    const result = await inDir(file, "--json");
    expect(result).toMatchObject({ code: 2, stderr: "" });
    expect(JSON.parse(result.stdout)).toEqual({
      ok: false,
      error: { kind: "file", message: `cannot read ${file}: ${reason}`, file },
    });
    expect(await inDir(file)).toEqual({
      code: 2,
      signal: null,
      stdout: "",
      stderr: `openai-batch estimate: cannot read ${file}: ${reason}\n`,
    });
  });

  test("lines that are not requests: an invalid document with their count, exit 1", async () => {
    writeFileSync(
      join(dir, "half.jsonl"),
      '{"url":"/v1/chat/completions","body":{"model":"gpt-4o"}}\n{oops\n',
    );
    const result = await inDir("half.jsonl", "--json");
    expect(result).toMatchObject({ code: 1, stderr: "" });
    expect(JSON.parse(result.stdout)).toEqual({
      ok: false,
      error: {
        kind: "invalid",
        message:
          "half.jsonl: 1 line is not a JSON request with a body; `openai-batch validate half.jsonl` names them",
        invalidLines: 1,
      },
    });
  });
});

describe("openai-batch estimate on a file of one line of 150 MB", () => {
  test("says the request holds a string longer than the API takes, and stays far below the line's size in memory", async () => {
    // A word of 150 MiB without a break: over the API's 10,485,760 characters for one string.
    const path = join(dir, "one-line.jsonl");
    const fd = openSync(path, "w");
    writeSync(
      fd,
      '{"custom_id":"long","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini","max_tokens":10,"messages":[{"role":"user","content":"',
    );
    const mebibyte = Buffer.alloc(1024 * 1024, "a");
    for (let index = 0; index < 150; index += 1) writeSync(fd, mebibyte);
    writeSync(fd, '"}]}}\n');
    closeSync(fd);
    // The command reports its peak RSS (worker threads included) when it exits.
    const preload = join(dir, "report-rss.cjs");
    const report = join(dir, "rss.txt");
    writeFileSync(
      preload,
      `if (require("node:worker_threads").isMainThread) process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(report)}, String(process.resourceUsage().maxRSS * 1024)));\n`,
    );
    const result = await runBin(
      OPENAI_BATCH_BIN,
      ["estimate", "one-line.jsonl", "--endpoint", "/v1/chat/completions"],
      {
        cwd: dir,
        killAfterMs: 120_000,
        env: { ...process.env, NODE_OPTIONS: `--require ${preload}` },
      },
    );
    rmSync(path);
    expect(result).toMatchObject({ code: 0, signal: null });
    expect(result.stderr).toBe(
      "warning: 1 of 1 request (on line 1) holds a string of more than 10,485,760 characters, the most the API takes in one string: the API will fail it (string_above_max_length), so its tokens are not counted; shorten that string or split the requests\n",
    );
    expect(result.stdout).toContain("one-line.jsonl: 1 request\n");
    expect(result.stdout).toContain("input tokens:       0");
    const peakRss = Number(readFileSync(report, "utf8"));
    expect(peakRss).toBeGreaterThan(0);
    expect(peakRss).toBeLessThan(150 * 1024 * 1024);
  }, 180_000);
});

describe("openai-batch estimate --prices <file>: prices over the table, checked as the prices argument is", () => {
  const inDir = (...args: string[]) =>
    runBin(OPENAI_BATCH_BIN, ["estimate", ...args], { cwd: dir, killAfterMs: 20_000 });
  const house = (maxTokens?: number) =>
    file("house.jsonl", [
      {
        model: "house-model-7",
        messages: MESSAGES,
        ...(maxTokens === undefined ? {} : { max_tokens: maxTokens }),
      },
    ]);

  test("a model the table lacks is priced from the file; without it, the warnings name this command's options", async () => {
    house(100);
    const unpriced = await inDir("house.jsonl", "--json");
    expect(unpriced.code).toBe(0);
    expect(unpriced.stderr).toBe(
      'warning: model house-model-7 is not one this package knows; its tokens were counted with o200k_base\nwarning: no price for model house-model-7; pass --prices <file.json> holding {"house-model-7": {"input": ..., "output": ...}} in US dollars per million tokens at batch rates to price it\n',
    );
    writeFileSync(join(dir, "prices.json"), JSON.stringify({ "house-model-7": { input: 2, output: 10 } }));
    const priced = await inDir("house.jsonl", "--json", "--prices", "prices.json");
    expect(priced.code).toBe(0);
    const inputTokens = chatTokens(MESSAGES);
    expect(JSON.parse(priced.stdout)).toEqual({
      model: "house-model-7",
      requests: 1,
      inputTokens,
      maxOutputTokens: 100,
      inputCostUsd: (inputTokens * 2) / 1e6,
      maxCostUsd: (inputTokens * 2 + 100 * 10) / 1e6,
      priceAsOf: "prices argument",
    });
    expect(priced.stderr).not.toContain("no price");
    const text = await inDir("house.jsonl", "--prices", "prices.json");
    expect(text.stdout).toContain("  prices as of:       --prices prices.json (batch rates)\n");
  });

  test("the unbounded-output warning names no resource argument", async () => {
    house();
    const result = await inDir("house.jsonl", "--prices", "prices.json");
    expect(result.stderr).toContain(
      "warning: 1 of 1 request sets no output limit, so output is unbounded; set max_tokens (max_completion_tokens, max_output_tokens) on each request\n",
    );
    expect(result.stderr).not.toContain("assumedOutputTokensPerRequest");
  });

  test.each([
    [
      { "house-model-7": { input: 2 } },
      '--prices bad.json: prices["house-model-7"].output is missing; give US dollars per million tokens as a number of 0 or more',
    ],
    [
      { "house-model-7": { input: -1, output: 1, discount: 0.5 } },
      '--prices bad.json: prices["house-model-7"].input is -1; give US dollars per million tokens as a number of 0 or more; prices["house-model-7"].discount is not a price; use input, output and cachedInput',
    ],
    [[1, 2], "--prices bad.json: prices must be an object of model names"],
  ])(
    "a prices file that is not prices (%j): a usage error naming each problem, exit 2",
    async (content, message) => {
      house(10);
      writeFileSync(join(dir, "bad.json"), JSON.stringify(content));
      const result = await inDir("house.jsonl", "--prices", "bad.json", "--json");
      expect(result).toMatchObject({ code: 2, stderr: "" });
      const document = JSON.parse(result.stdout) as { ok: boolean; error: { kind: string; message: string } };
      expect(document).toMatchObject({ ok: false, error: { kind: "usage" } });
      expect(document.error.message.startsWith(message)).toBe(true);
    },
  );

  test.each([
    ["not JSON", "{input: 1}", "usage", "--prices bad.json is not JSON; write the prices as"],
    ["missing", undefined, "file", "cannot read bad.json: there is no such file"],
  ])("a prices file that is %s: exit 2", async (_name, content, kind, message) => {
    house(10);
    rmSync(join(dir, "bad.json"), { force: true });
    if (content !== undefined) writeFileSync(join(dir, "bad.json"), content);
    const result = await inDir("house.jsonl", "--prices", "bad.json", "--json");
    expect(result).toMatchObject({ code: 2, stderr: "" });
    const document = JSON.parse(result.stdout) as { error: { kind: string; message: string } };
    expect(document.error.kind).toBe(kind);
    expect(document.error.message.startsWith(message)).toBe(true);
  });

  test("a folder as the prices file: a file error, exit 2", async () => {
    house(10);
    const result = await inDir("house.jsonl", "--prices", ".");
    expect(result).toEqual({
      code: 2,
      signal: null,
      stdout: "",
      stderr:
        "openai-batch estimate: cannot read .: it is a directory; give the path of a JSON file of prices\n",
    });
  });
});

describe("openai-batch estimate prints dollars in fixed notation, to the millionth", () => {
  test("a cost of a few millionths and one of thousands of dollars", () => {
    // 2 million output tokens at $1,000 per million: $2,000, and the input's few millionths.
    const path = file("dollars.jsonl", [
      { model: "house-model-7", messages: MESSAGES, max_tokens: 2_000_000 },
    ]);
    writeFileSync(join(dir, "dear.json"), JSON.stringify({ "house-model-7": { input: 0.1, output: 1000 } }));
    const result = run(path, "--prices", join(dir, "dear.json"));
    expect(result.code).toBe(0);
    const input = Math.round(chatTokens(MESSAGES) * 0.1);
    expect(input).toBeLessThan(1e6);
    expect(result.stdout).toContain(`  input cost:         $0.${String(input).padStart(6, "0")}\n`);
    expect(result.stdout).toContain(`  most cost:          $2,000.${String(input).padStart(6, "0")}\n`);
  });
});
