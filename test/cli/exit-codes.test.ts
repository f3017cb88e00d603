/**
 * The exit codes the docs give, case by case, for every `openai-batch` command run as a process:
 * the general ones (`openai-batch --help`, docs/validation.md), `validate` (docs/validation.md),
 * `estimate` (docs/cost.md) and `results` (docs/results.md, against the emulator). Each row is one
 * situation the docs name; `--json` never changes the code.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  chatJsonl,
  createBatch,
  requestLine,
  startTestEmulator,
  type TestEmulator,
} from "../emulator/support/harness";
import { OPENAI_BATCH_BIN, runBin } from "../support/run-cli";

const dir = mkdtempSync(join(tmpdir(), "cli-exit-codes-"));
let target: TestEmulator;
/** Batch ids by what became of them. */
const batches: Record<"completed" | "cancelled" | "running", string> = {
  completed: "",
  cancelled: "",
  running: "",
};

const bounded = (model = "gpt-4o-mini") => ({
  model,
  max_tokens: 10,
  messages: [{ role: "user", content: "hi" }],
});

beforeAll(async () => {
  const files: Record<string, string> = {
    "valid.jsonl": `${requestLine("a", undefined, bounded())}\n`,
    "unpriced.jsonl": `${requestLine("a", undefined, bounded("house-model-7"))}\n`,
    "invalid.jsonl": `${requestLine("a")}\n${requestLine("a")}\n`,
    "not-json.jsonl": `${requestLine("a", undefined, bounded())}\n{oops\n`,
    "first-not-json.jsonl": `{oops\n${requestLine("a", undefined, bounded())}\n`,
    "no-url.jsonl": '{"custom_id":"a","body":{"model":"gpt-4o-mini","max_tokens":1}}\n',
    "empty.jsonl": "",
    "bom.jsonl": `\uFEFF${requestLine("a", undefined, bounded())}\n`,
    "prices.json": JSON.stringify({ "house-model-7": { input: 1, output: 2 } }),
    "bad-prices.json": JSON.stringify({ "house-model-7": { input: 1 } }),
    "requests.jsonl": chatJsonl(2),
  };
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  mkdirSync(join(dir, "folder.jsonl"));
  target = await startTestEmulator({
    durations: { validatingMs: 1_000, inProgressMs: 10_000, finalizingMs: 1_000, cancellingMs: 1_000 },
  });
  const made = await Promise.all([1, 2, 3].map(() => createBatch(target.client, chatJsonl(2))));
  batches.completed = made[0]!.id;
  batches.cancelled = made[1]!.id;
  batches.running = made[2]!.id;
  await target.client.batches.cancel(batches.cancelled);
  await target.emulator.advance(20_000);
  // One more, created after the others finished: still validating.
  batches.running = (await createBatch(target.client, chatJsonl(2))).id;
});
afterAll(async () => {
  await target?.close();
  rmSync(dir, { recursive: true, force: true });
});

type Env = "emulator" | "no key" | "wrong key";

function run(args: readonly string[], env: Env = "emulator") {
  const key =
    env === "no key"
      ? {}
      : { OPENAI_API_KEY: env === "wrong key" ? "sk-not-this-one" : target.emulator.apiKey };
  return runBin(OPENAI_BATCH_BIN, args, {
    cwd: dir,
    killAfterMs: 60_000,
    env: { PATH: process.env.PATH ?? "", OPENAI_BASE_URL: target.emulator.url, ...key },
  });
}

/** [what the docs say, the arguments (a batch named by what became of it), the code]. */
type Row = [string, () => string[], number, Env?];

const GENERAL: Row[] = [
  ["--help: the help, exit 0", () => ["--help"], 0],
  ["--version: exit 0", () => ["--version"], 0],
  ["help on a command: exit 0", () => ["help", "validate"], 0],
  ["no command: a wrong command line, exit 2", () => [], 2],
  ["an unknown command: exit 2", () => ["upload"], 2],
  ["help on a word that is no command: exit 2", () => ["help", "upload"], 2],
];

const VALIDATE: Row[] = [
  ["every file valid: 0", () => ["validate", "valid.jsonl"], 0],
  ["a file not valid: 1", () => ["validate", "valid.jsonl", "invalid.jsonl"], 1],
  ["an empty file is not valid: 1", () => ["validate", "empty.jsonl"], 1],
  ["a file that cannot be read: 2", () => ["validate", "nothing.jsonl"], 2],
  ["a directory: 2", () => ["validate", "folder.jsonl"], 2],
  [
    "a file that cannot be read wins over one not valid: 2",
    () => ["validate", "invalid.jsonl", "folder.jsonl"],
    2,
  ],
  ["a wrong option: 2", () => ["validate", "valid.jsonl", "--fast"], 2],
  ["no file: 2", () => ["validate"], 2],
  ['"-" twice: 2', () => ["validate", "-", "-"], 2],
];

const ESTIMATE: Row[] = [
  ["an estimate: 0", () => ["estimate", "valid.jsonl"], 0],
  ["an estimate without a price (a warning): 0", () => ["estimate", "unpriced.jsonl"], 0],
  ["an estimate with --prices: 0", () => ["estimate", "unpriced.jsonl", "--prices", "prices.json"], 0],
  ["lines that are not JSON requests: 1", () => ["estimate", "not-json.jsonl"], 1],
  ["a first line that is not JSON: 1", () => ["estimate", "first-not-json.jsonl"], 1],
  ["a first line without a url: 1", () => ["estimate", "no-url.jsonl"], 1],
  ["an empty file: 1", () => ["estimate", "empty.jsonl"], 1],
  ["a byte-order mark: 1", () => ["estimate", "bom.jsonl"], 1],
  ["a file that cannot be read: 2", () => ["estimate", "nothing.jsonl"], 2],
  ["a wrong --endpoint: 2", () => ["estimate", "valid.jsonl", "--endpoint", "/v2/chat"], 2],
  [
    "a --prices file that is not prices: 2",
    () => ["estimate", "valid.jsonl", "--prices", "bad-prices.json"],
    2,
  ],
  [
    "a --prices file that cannot be read: 2",
    () => ["estimate", "valid.jsonl", "--prices", "nothing.json"],
    2,
  ],
];

const RESULTS: Row[] = [
  ["every request succeeded: 0", () => ["results", batches.completed, "--input", "requests.jsonl"], 0],
  ["some requests did not succeed (a cancelled batch): 1", () => ["results", batches.cancelled], 1],
  ["a batch that has not finished: 2", () => ["results", batches.running], 2],
  ["an unknown batch: 2", () => ["results", "batch_nope"], 2],
  ["no key: 2", () => ["results", batches.completed], 2, "no key"],
  ["a key the API refuses: 2", () => ["results", batches.completed], 2, "wrong key"],
  [
    "--out that is --input: 2",
    () => ["results", batches.completed, "--input", "requests.jsonl", "--out", "./requests.jsonl"],
    2,
  ],
  [
    "--failed-requests without --input: 2",
    () => ["results", batches.completed, "--failed-requests", "retry.jsonl"],
    2,
  ],
  ["an --input that cannot be read: 2", () => ["results", batches.completed, "--input", "folder.jsonl"], 2],
  ["no batch id: 2", () => ["results"], 2],
];

describe.each([
  ["openai-batch (its --help, docs/validation.md)", GENERAL],
  ["openai-batch validate (docs/validation.md)", VALIDATE],
  ["openai-batch estimate (docs/cost.md)", ESTIMATE],
  ["openai-batch results (docs/results.md)", RESULTS],
])("%s", (_command, rows) => {
  test.each(rows)("%s", async (_situation, args, code, env) => {
    const result = await run(args(), env);
    expect(result.code, `${args().join(" ")}\n${result.stdout}${result.stderr}`).toBe(code);
    if (args().length > 0 && !args().includes("--help") && !args().includes("help")) {
      const json = await run([...args(), "--json"], env);
      expect(json.code, `${args().join(" ")} --json\n${json.stdout}${json.stderr}`).toBe(code);
    }
  });
});
