/**
 * `openai-batch validate` as a user runs it: the compiled bin in a child process, with its exit
 * code, what goes to stdout and what goes to stderr.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { REPO_ROOT } from "../support/repo";

/** The bin `openai-batch`, as `npm run build` leaves it. */
const BIN = join(REPO_ROOT, "dist", "provider", "cli", "main.js");
const dir = mkdtempSync(join(tmpdir(), "validate-cli-"));
beforeAll(() => {
  if (!existsSync(BIN)) throw new RangeError(`${BIN} is missing: run \`npm run build\` before this suite.`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CHAT = "/v1/chat/completions";
const line = (id: string, model = "gpt-4o-mini", url = CHAT) =>
  JSON.stringify({
    custom_id: id,
    method: "POST",
    url,
    body: { model, messages: [{ role: "user", content: id }] },
  });

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("openai-batch validate", () => {
  test("a valid file: exit 0, one summary line on stdout, nothing on stderr", () => {
    const text = `${line("a")}\n${line("b")}\n`;
    const path = file("valid.jsonl", text);
    const sha = createHash("sha256").update(text).digest("hex");
    expect(run("validate", path, "--endpoint", CHAT)).toEqual({
      code: 0,
      stdout: `${path}: valid: 2 requests for ${CHAT}, ${Buffer.byteLength(text)} bytes, model gpt-4o-mini, sha256 ${sha}\n`,
      stderr: "",
    });
  });

  test("an invalid file: exit 1, every problem by line on stderr, nothing on stdout", () => {
    const path = file("invalid.jsonl", `${line("a")}\n${line("a")}\n${line("c", "gpt-4o")}\n{oops\n`);
    const { code, stdout, stderr } = run("validate", path);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    const lines = stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(
      `${path}:2: custom_id "a" is already used on line 1; every custom_id must be unique`,
    );
    expect(lines[1]).toMatch(new RegExp(`^${path}:3: .*model.*gpt-4o`));
    expect(lines[2]).toMatch(new RegExp(`^${path}:4: `));
  });

  test("--json on a valid file: exit 0, the report as JSON on stdout, nothing on stderr", () => {
    const text = `${line("a")}\n`;
    const path = file("valid-json.jsonl", text);
    const { code, stdout, stderr } = run("validate", path, "--json");
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(JSON.parse(stdout)).toMatchObject({
      file: path,
      endpoint: CHAT,
      ok: true,
      problems: [],
      lineCount: 1,
      bytes: Buffer.byteLength(text),
      sha256: createHash("sha256").update(text).digest("hex"),
      model: "gpt-4o-mini",
    });
  });

  test("--json on an invalid file: exit 1, the problems in the JSON on stdout, nothing on stderr", () => {
    const path = file("invalid-json.jsonl", `${line("a")}\n${line("a")}\n`);
    const { code, stdout, stderr } = run("validate", path, "--json");
    expect(code).toBe(1);
    expect(stderr).toBe("");
    expect(JSON.parse(stdout)).toMatchObject({
      ok: false,
      problemCount: 1,
      problems: [
        {
          line: 2,
          field: "custom_id",
          message: 'custom_id "a" is already used on line 1; every custom_id must be unique',
        },
      ],
    });
  });

  test("a first line whose url the Batch API does not run: exit 1, the line and the endpoints on stderr", () => {
    const path = file("wrong-url.jsonl", `${line("a", "gpt-4o-mini", "/v1/nothing")}\n`);
    const { code, stdout, stderr } = run("validate", path);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(
      new RegExp(
        `^${path}:1: url "/v1/nothing" is not an endpoint the Batch API runs; use one of /v1/responses, `,
      ),
    );
  });

  test("a wrong command line: exit 2, the reason and the usage on stderr, nothing on stdout", () => {
    const { code, stdout, stderr } = run("validate", file("x.jsonl", `${line("a")}\n`), "--endpoint");
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^openai-batch: .*--endpoint/);
    expect(stderr).toContain("Usage: openai-batch");
  });

  test("a file that does not exist: exit 2, a message naming it on stderr, nothing on stdout", () => {
    const path = join(dir, "missing.jsonl");
    const { code, stdout, stderr } = run("validate", path);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^openai-batch: /);
    expect(stderr).toContain(path);
  });

  test("--help: exit 0, the usage on stdout", () => {
    const { code, stdout, stderr } = run("--help");
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout).toMatch(/^Usage: openai-batch /);
  });
});
