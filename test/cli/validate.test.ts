import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { OPENAI_BATCH_BIN, runBin, runBinMeasured } from "../support/run-cli";

const CHAT = "/v1/chat/completions";
const line = (
  id: string,
  body: Record<string, unknown> = { model: "m", messages: [{ role: "user", content: "hi" }] },
) => JSON.stringify({ custom_id: id, method: "POST", url: CHAT, body });

const dir = mkdtempSync(join(tmpdir(), "cli-validate-"));
const GOOD = `${line("a")}\n${line("b")}\n`;
const ONE = `${line("a")}\n`;
writeFileSync(join(dir, "good.jsonl"), GOOD);
writeFileSync(join(dir, "one.jsonl"), ONE);
writeFileSync(join(dir, "bad.jsonl"), `${line("a")}\n${line("a", { model: "m" })}\n`);
mkdirSync(join(dir, "folder.jsonl"));
execFileSync("mkfifo", [join(dir, "pipe.jsonl")]);

const run = (args: string[], stdin?: string) =>
  runBin(OPENAI_BATCH_BIN, ["validate", ...args], {
    cwd: dir,
    killAfterMs: 20_000,
    ...(stdin === undefined ? {} : { stdin }),
  });

describe("openai-batch validate (the built command, as a process)", () => {
  test("a line nested deeper than 100 levels is invalid, named by its line, exit 1", async () => {
    const deep = line("b", { model: "m", messages: [], x: JSON.parse(`${"[".repeat(99)}${"]".repeat(99)}`) });
    writeFileSync(join(dir, "deep.jsonl"), `${line("a")}\n${deep}\n`);
    const column = deep.indexOf('"x":') + 4 + 99;
    expect(await run(["deep.jsonl"])).toEqual({
      code: 1,
      signal: null,
      stdout: "deep.jsonl: invalid: 1 problem in 2 lines\n",
      stderr: `deep.jsonl:2: the line nests objects and arrays more than 100 levels deep (level 101 opens at column ${column}); a request may nest at most 100 levels, so flatten it\n`,
    });
  });

  test("a valid file: one line on stdout with singular and plural right, exit 0", async () => {
    expect(await run(["one.jsonl"])).toEqual({
      code: 0,
      signal: null,
      stdout: `one.jsonl: valid: 1 request for ${CHAT}, ${Buffer.byteLength(ONE)} bytes, model m, sha256 ${sha256(ONE)}\n`,
      stderr: "",
    });
  });

  test("an invalid file: each problem on stderr, the verdict on stdout, exit 1", async () => {
    expect(await run(["bad.jsonl"])).toEqual({
      code: 1,
      signal: null,
      stdout: "bad.jsonl: invalid: 2 problems in 2 lines\n",
      stderr: [
        'bad.jsonl:2: custom_id "a" is already used on line 1; every custom_id must be unique',
        `bad.jsonl:2: body.messages is missing; a ${CHAT} request needs messages`,
        "",
      ].join("\n"),
    });
  });

  test.each([
    ["folder.jsonl", "it is a directory; give the path of a .jsonl file"],
    ["pipe.jsonl", "it is a named pipe (FIFO), not a regular file; give the path of a .jsonl file"],
    ["/dev/zero", "it is a character device, not a regular file; give the path of a .jsonl file"],
    ["nope.jsonl", "there is no such file"],
  ])("%s cannot be read: the file and the reason on stderr, exit 2, no hang", async (file, reason) => {
    expect(await run([file])).toEqual({
      code: 2,
      signal: null,
      stdout: "",
      stderr: `openai-batch validate: cannot read ${file}: ${reason}\n`,
    });
  });

  test("several files: each, then a summary with plurals; a file that cannot be read wins (exit 2)", async () => {
    const result = await run(["good.jsonl", "bad.jsonl", "folder.jsonl"]);
    expect(result.code).toBe(2);
    expect(result.stdout.split("\n")).toEqual([
      expect.stringMatching(/^good\.jsonl: valid: 2 requests for \/v1\/chat\/completions, /),
      "bad.jsonl: invalid: 2 problems in 2 lines",
      "3 files: 1 valid, 1 invalid (2 problems), 1 unreadable",
      "",
    ]);
    expect(result.stderr).toContain(
      "openai-batch validate: cannot read folder.jsonl: it is a directory; give the path of a .jsonl file\n",
    );
  });

  test("several valid and invalid files exit 1", async () => {
    const result = await run(["good.jsonl", "bad.jsonl"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/\n2 files: 1 valid, 1 invalid \(2 problems\)\n$/);
  });

  test('"-" reads stdin', async () => {
    const result = await run(["-"], GOOD);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toBe(
      `stdin: valid: 2 requests for ${CHAT}, ${Buffer.byteLength(GOOD)} bytes, model m, sha256 ${sha256(GOOD)}\n`,
    );
  });

  test("the endpoint comes from the first line unless given, and a wrong one is named", async () => {
    writeFileSync(join(dir, "v2.jsonl"), `${line("a").replace(CHAT, "/v2/chat")}\n`);
    const result = await run(["v2.jsonl"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^v2\.jsonl:1: url "\/v2\/chat" is not an endpoint the Batch API runs; use one of /,
    );
    const forced = await run(["good.jsonl", "--endpoint", "/v1/embeddings"]);
    expect(forced.code).toBe(1);
    expect(forced.stderr).toContain(
      'good.jsonl:1: url is "/v1/chat/completions" but the batch endpoint is "/v1/embeddings"',
    );
  });

  describe("over the Batch API's limits: counts of the whole file, and BatchSet suggested", () => {
    const LINES = 120_000;
    const many = (count: number) => Array.from({ length: count }, (_, i) => `${line(`r${i}`)}\n`).join("");
    const TOO_MANY_LINES =
      "there are more than 50000 lines; a batch takes at most 50000 requests, so split the file, or give it to BatchSet, which splits it into batches for you";

    test("120,000 lines: every line counted, the first 50,000 checked, exit 1", async () => {
      const text = many(LINES);
      writeFileSync(join(dir, "big.jsonl"), text);
      expect(await run(["big.jsonl"])).toEqual({
        code: 1,
        signal: null,
        stdout: `big.jsonl: invalid: 1 problem in 120,000 lines and ${Buffer.byteLength(text).toLocaleString("en-US")} bytes, the first 50,000 lines checked\n`,
        stderr: `big.jsonl: ${TOO_MANY_LINES}\n`,
      });
      const json = await run(["big.jsonl", "--json"]);
      expect(JSON.parse(json.stdout)).toMatchObject({
        files: [
          { status: "invalid", lineCount: LINES, bytes: Buffer.byteLength(text), checkedLines: 50_000 },
        ],
      });
    });

    test("60,000 lines on stdin: read on to the end and counted", async () => {
      const text = many(60_000);
      expect(await run(["-"], text)).toEqual({
        code: 1,
        signal: null,
        stdout: `stdin: invalid: 1 problem in 60,000 lines and ${Buffer.byteLength(text).toLocaleString("en-US")} bytes, the first 50,000 lines checked\n`,
        stderr: `stdin: ${TOO_MANY_LINES}\n`,
      });
    });

    test("a 300 MB file: refused from its size, its lines still counted, in flat memory", async () => {
      // Three lines, then zeros to 300 MB (a sparse file): four lines, the last without its newline.
      const path = join(dir, "huge.jsonl");
      writeFileSync(path, `${line("a")}\n${line("b")}\n${line("c")}\n`);
      truncateSync(path, 300 * 1024 * 1024);
      const result = await runBinMeasured(OPENAI_BATCH_BIN, ["validate", "huge.jsonl"], { cwd: dir });
      rmSync(path);
      expect({ code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({
        code: 1,
        stdout: "huge.jsonl: invalid: 1 problem in 4 lines and 314,572,800 bytes, none of them checked\n",
        stderr:
          "huge.jsonl: the input is 300.0 MB; a batch input file may be at most 200 MB, so split it into several batches, or give it to BatchSet, which splits it into batches for you\n",
      });
      // Counting holds one 1 MiB buffer; reading the file whole would take 300 MiB more.
      expect(result.peakRssMiB).toBeLessThan(150);
    });
  });

  describe("--json: one JSON document on stdout for every outcome, nothing on stderr", () => {
    test("valid, invalid and unreadable files together", async () => {
      const result = await run(["--json", "one.jsonl", "bad.jsonl", "pipe.jsonl"]);
      expect(result).toMatchObject({ code: 2, stderr: "" });
      const document = JSON.parse(result.stdout) as Record<string, unknown>;
      expect(document).toEqual({
        ok: false,
        files: [
          expect.objectContaining({
            file: "one.jsonl",
            path: join(dir, "one.jsonl"),
            status: "valid",
            ok: true,
            endpoint: CHAT,
            lineCount: 1,
            sha256: sha256(ONE),
          }),
          expect.objectContaining({
            file: "bad.jsonl",
            status: "invalid",
            ok: false,
            problemCount: 2,
            problems: [
              { line: 2, field: "custom_id", message: expect.stringContaining("already used on line 1") },
              {
                line: 2,
                field: "body.messages",
                message: expect.stringContaining("body.messages is missing"),
              },
            ],
          }),
          {
            file: "pipe.jsonl",
            path: join(dir, "pipe.jsonl"),
            status: "unreadable",
            error:
              "cannot read pipe.jsonl: it is a named pipe (FIFO), not a regular file; give the path of a .jsonl file",
          },
        ],
        summary: { files: 3, valid: 1, invalid: 1, unreadable: 1, problems: 2 },
      });
    });

    test("a valid file alone exits 0", async () => {
      const result = await run(["good.jsonl", "--json"]);
      expect(result).toMatchObject({ code: 0, stderr: "" });
      expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, summary: { files: 1, valid: 1 } });
    });

    test("a usage error", async () => {
      const result = await run(["--json"]);
      expect(result).toMatchObject({ code: 2, stderr: "" });
      expect(JSON.parse(result.stdout)).toEqual({
        ok: false,
        error: { kind: "usage", message: 'name the .jsonl files to validate, or "-" for stdin' },
      });
    });
  });
});

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
