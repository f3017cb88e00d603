/**
 * `openai-batch results` as a process, against the emulator: under --json every outcome is one
 * JSON document (on stdout with --out, on stderr when the records are on stdout), and usage,
 * file and API errors exit 2.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, test } from "vitest";
import { chatJsonl, createBatch, startTestEmulator, type TestEmulator } from "../emulator/support/harness";
import { OPENAI_BATCH_BIN, runBin } from "../support/run-cli";

const dir = mkdtempSync(join(tmpdir(), "cli-results-"));
mkdirSync(join(dir, "folder.jsonl"));
let env: TestEmulator | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[], target?: TestEmulator) =>
  runBin(OPENAI_BATCH_BIN, ["results", ...args], {
    cwd: dir,
    killAfterMs: 30_000,
    env: {
      PATH: process.env.PATH ?? "",
      ...(target === undefined
        ? {}
        : { OPENAI_API_KEY: target.emulator.apiKey, OPENAI_BASE_URL: target.emulator.url }),
    },
  });

/** A completed batch of three chat requests, with its input file in `dir`. */
async function finishedBatch(): Promise<{ target: TestEmulator; id: string }> {
  const target = await startTestEmulator();
  env = target;
  const created = await createBatch(target.client, chatJsonl(3));
  await target.emulator.advance(60_000);
  writeFileSync(join(dir, "requests.jsonl"), chatJsonl(3));
  return { target, id: created.id };
}

describe("openai-batch results --json: one JSON document for every outcome", () => {
  test("every request succeeded, records on stdout: the summary on stderr, exit 0", async () => {
    const { target, id } = await finishedBatch();
    const result = await run([id, "--input", "requests.jsonl", "--json"], target);
    expect(result.code).toBe(0);
    expect(
      result.stdout
        .trimEnd()
        .split("\n")
        .map((line) => (JSON.parse(line) as { line: number }).line),
    ).toEqual([1, 2, 3]);
    expect(JSON.parse(result.stderr)).toEqual({
      ok: true,
      batchId: id,
      status: "completed",
      succeeded: 3,
      failed: 0,
      expired: 0,
      cancelled: 0,
      missing: 0,
      errorCodes: {},
    });
  });

  test("a usage error: on stdout, exit 2", async () => {
    const result = await run(["--json", "--out"]);
    expect(result).toMatchObject({ code: 2, stderr: "" });
    expect(JSON.parse(result.stdout)).toEqual({
      ok: false,
      error: { kind: "usage", message: "--out needs a value, e.g. --out results.jsonl" },
    });
  });

  test("an unknown batch with --out: an api error naming it on stdout, exit 2", async () => {
    env = await startTestEmulator();
    const result = await run(["batch_nope", "--out", "r.jsonl", "--json"], env);
    expect(result).toMatchObject({ code: 2, stderr: "" });
    expect(JSON.parse(result.stdout)).toEqual({
      ok: false,
      error: {
        kind: "api",
        status: 404,
        message: expect.stringContaining("no batch found with id 'batch_nope'") as unknown,
      },
    });
  });

  test("an unknown batch, records on stdout: the error document on stderr, stdout empty, exit 2", async () => {
    env = await startTestEmulator();
    const result = await run(["batch_nope", "--json"], env);
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(JSON.parse(result.stderr)).toMatchObject({ ok: false, error: { kind: "api", status: 404 } });
  });

  test("no key: an input error that says to set OPENAI_API_KEY (no Pulumi advice), exit 2; the text is as JSON without --json", async () => {
    const result = await run(["batch_1", "--out", "r.jsonl", "--json"]);
    expect(result).toMatchObject({ code: 2, stderr: "" });
    const document = JSON.parse(result.stdout) as { ok: boolean; error: { kind: string; message: string } };
    expect(document).toEqual({
      ok: false,
      error: {
        kind: "input",
        message:
          "OPENAI_API_KEY: no OpenAI API key is set; set OPENAI_API_KEY in the environment (export OPENAI_API_KEY=sk-...); for another server than the OpenAI API, such as the local emulator, set OPENAI_BASE_URL too",
      },
    });
    const text = await run(["batch_1", "--out", "r.jsonl"]);
    expect(text).toEqual({
      code: 2,
      signal: null,
      stdout: "",
      stderr: `openai-batch results: ${document.error.message}\n`,
    });
  });

  test("a key the server refuses: an api error (401) that names OPENAI_API_KEY and the server, not Pulumi, exit 2", async () => {
    env = await startTestEmulator();
    const url = env.emulator.url;
    const result = await runBin(OPENAI_BATCH_BIN, ["results", "batch_1"], {
      cwd: dir,
      killAfterMs: 30_000,
      env: { PATH: process.env.PATH ?? "", OPENAI_API_KEY: "sk-not-the-emulators-key", OPENAI_BASE_URL: url },
    });
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toMatch(
      /^openai-batch results: The OpenAI API refused the API key \(HTTP 401, code invalid_api_key[^)]*\) when openai-batch tried to retrieve the batch: /,
    );
    expect(result.stderr).toContain(
      `. Set a valid key in OPENAI_API_KEY, one for the server at ${url} (OPENAI_BASE_URL names another, such as the local emulator).\n`,
    );
    expect(result.stderr).not.toMatch(/pulumi|openai:/);
  });

  test.each([
    ["folder.jsonl", "cannot read"],
    ["nothing.jsonl", "cannot read"],
  ])("an --input that cannot be read (%s): a file error, exit 2", async (input, text) => {
    const { target, id } = await finishedBatch();
    const result = await run([id, "--input", input, "--out", "r.jsonl", "--json"], target);
    expect(result).toMatchObject({ code: 2, stderr: "" });
    const document = JSON.parse(result.stdout) as { error: { kind: string; message: string } };
    expect(document.error.kind).toBe("file");
    expect(document.error.message).toContain(`${text} ${join(dir, input)}`);
  });

  test("an --out that is a folder: a file error naming it, exit 2", async () => {
    const { target, id } = await finishedBatch();
    const result = await run([id, "--out", "folder.jsonl", "--json"], target);
    expect(result).toMatchObject({ code: 2, stderr: "" });
    const out = join(dir, "folder.jsonl");
    expect(JSON.parse(result.stdout)).toEqual({
      ok: false,
      error: { kind: "file", message: `cannot write ${out}: it is a directory`, file: out },
    });
  });
});
