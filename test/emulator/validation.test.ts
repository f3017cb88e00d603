import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { VALIDATION_CODES } from "../../provider/emulator";
import { checkLine, newLineCheckState } from "../../provider/emulator/validation/check-line";
import { readLines } from "../../provider/emulator/validation/line-reader";
import { validateInputFile } from "../../provider/emulator/validation/validate-file";
import {
  CHAT,
  chatBody,
  createBatch,
  EMBEDDINGS,
  requestLine,
  startTestEmulator,
  type TestEmulator,
} from "./support/harness";

const dir = mkdtempSync(join(tmpdir(), "emulator-validation-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fileWith(content: string | Buffer): string {
  const path = join(dir, `f${Math.random().toString(36).slice(2)}.jsonl`);
  writeFileSync(path, content);
  return path;
}

const line = (fields: Record<string, unknown>) => JSON.stringify(fields);
const valid = { custom_id: "a", method: "POST", url: CHAT, body: { model: "m", messages: [] } };

describe("one line", () => {
  test.each([
    ["a valid request", line(valid), undefined],
    ["not JSON", "{nope", ["invalid_json_line", null]],
    ["a JSON array", "[1]", ["invalid_json_line", null]],
    ["an empty line", "", ["invalid_json_line", null]],
    ["a blank line", "  \t ", ["invalid_json_line", null]],
    ["no custom_id", line({ ...valid, custom_id: undefined }), ["missing_required_parameter", "custom_id"]],
    ["no method", line({ ...valid, method: undefined }), ["missing_required_parameter", "method"]],
    ["no url", line({ ...valid, url: undefined }), ["missing_required_parameter", "url"]],
    ["no body", line({ ...valid, body: undefined }), ["missing_required_parameter", "body"]],
    ["a numeric custom_id", line({ ...valid, custom_id: 7 }), ["invalid_value", "custom_id"]],
    ["method GET", line({ ...valid, method: "GET" }), ["invalid_method", "method"]],
    ["another endpoint's url", line({ ...valid, url: EMBEDDINGS }), ["invalid_url", "url"]],
    ["a string body", line({ ...valid, body: "x" }), ["invalid_value", "body"]],
  ] as [string, string, [string, string | null] | undefined][])("%s", (_name, text, expected) => {
    const problem = checkLine(text, 3, CHAT, newLineCheckState());
    expect(problem === undefined ? undefined : [problem.code, problem.param]).toEqual(expected);
    if (problem !== undefined) expect(problem.line).toBe(3);
  });

  test("a repeated custom_id names the first line", () => {
    const state = newLineCheckState();
    expect(checkLine(line(valid), 1, CHAT, state)).toBeUndefined();
    expect(checkLine(line(valid), 2, CHAT, state)).toEqual({
      code: "duplicate_custom_id",
      message:
        "The custom_id 'a' is already used on line 1. The custom_id of each request in a batch must be unique.",
      line: 2,
      param: "custom_id",
    });
  });

  test("a second model is a mismatched_model on body.model", () => {
    const state = newLineCheckState();
    expect(checkLine(line(valid), 1, CHAT, state)).toBeUndefined();
    const other = line({ ...valid, custom_id: "b", body: { model: "other", messages: [] } });
    expect(checkLine(other, 2, CHAT, state)).toMatchObject({
      code: "mismatched_model",
      line: 2,
      param: "body.model",
    });
  });

  test("a byte-order mark before the first line is ignored", () => {
    expect(checkLine(`\uFEFF${line(valid)}`, 1, CHAT, newLineCheckState())).toBeUndefined();
  });

  /** The valid request with body.x nested so that the line is `depth` levels deep (itself is 1). */
  const nested = (depth: number) =>
    line(valid).replace(
      '"messages":[]',
      `"messages":[],"x":${"[".repeat(depth - 2)}${"]".repeat(depth - 2)}`,
    );

  test("a line 100 levels deep is valid; 101 levels is an invalid_json_line, before it is parsed", () => {
    expect(checkLine(nested(100), 1, CHAT, newLineCheckState())).toBeUndefined();
    expect(checkLine(nested(101), 4, CHAT, newLineCheckState())).toEqual({
      code: "invalid_json_line",
      message: "This line nests objects and arrays more than 100 levels deep. Flatten the request.",
      line: 4,
      param: null,
    });
    // Brackets inside strings are text, not nesting.
    const text = line({ ...valid, body: { model: "m", messages: [], note: "[".repeat(500) } });
    expect(checkLine(text, 1, CHAT, newLineCheckState())).toBeUndefined();
  });

  test("a line a million levels deep fails validation in the batch, with its line", async () => {
    const path = fileWith(`${line(valid)}\n${nested(1_000_000)}\n`);
    const result = await validateInputFile(path, CHAT);
    expect(result.errors).toEqual([
      {
        code: "invalid_json_line",
        message: "This line nests objects and arrays more than 100 levels deep. Flatten the request.",
        line: 2,
        param: null,
      },
    ]);
  });
});

describe("reading lines", () => {
  test.each([
    ["LF with a trailing newline", "a\nb\n", ["a", "b"]],
    ["no trailing newline", "a\nb", ["a", "b"]],
    ["CRLF", "a\r\nb\r\n", ["a", "b"]],
    ["an empty line in the middle", "a\n\nb\n", ["a", "", "b"]],
    ["two trailing newlines", "a\n\n", ["a", ""]],
    ["only a newline", "\n", [""]],
    ["nothing", "", []],
  ])("%s", async (_name, content, expected) => {
    const lines: string[] = [];
    for await (const l of readLines(fileWith(content))) lines.push(l.text);
    expect(lines).toEqual(expected);
  });

  test("reports where each line ends, and can start at an offset", async () => {
    const path = fileWith("ab\r\ncd\nef");
    const all: [string, number, number][] = [];
    for await (const l of readLines(path)) all.push([l.text, l.number, l.end]);
    expect(all).toEqual([
      ["ab", 1, 4],
      ["cd", 2, 7],
      ["ef", 3, 9],
    ]);
    const rest: string[] = [];
    for await (const l of readLines(path, 4, 2)) rest.push(`${l.number}:${l.text}`);
    expect(rest).toEqual(["2:cd", "3:ef"]);
  });
});

describe("whole files", () => {
  test("an empty file is empty_file", async () => {
    expect(await validateInputFile(fileWith(""), CHAT)).toEqual({
      lines: 0,
      model: undefined,
      errors: [{ code: "empty_file", message: expect.any(String), line: null, param: null }],
    });
  });

  test("a file with one trailing newline is valid; CRLF too", async () => {
    const content = `${requestLine("a")}\r\n${requestLine("b")}\r\n`;
    expect(await validateInputFile(fileWith(content), CHAT)).toEqual({
      lines: 2,
      model: "gpt-4o-mini",
      errors: [],
    });
  });

  test("a line whose bytes are not UTF-8 is invalid_json_line, naming the line", async () => {
    const [before, after] = requestLine("b").split("gpt-4o-mini") as [string, string];
    const content = Buffer.concat([
      Buffer.from(`${requestLine("a")}\n${before}`),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(`${after}\n`),
    ]);
    expect((await validateInputFile(fileWith(content), CHAT)).errors).toEqual([
      {
        code: "invalid_json_line",
        message: "This line is not valid UTF-8. Input files must be encoded as UTF-8.",
        line: 2,
        param: null,
      },
    ]);
  });

  test("a lone surrogate escape is invalid_json_line, naming the line; a pair is text", async () => {
    const lone = requestLine("b").replace("gpt-4o-mini", "gpt\\ud800");
    const pair = requestLine("c", CHAT, { ...chatBody("c"), note: "XX" }).replace("XX", "\\ud83d\\ude00");
    const content = [requestLine("a"), lone, pair].join("\n");
    expect((await validateInputFile(fileWith(content), CHAT)).errors).toEqual([
      {
        code: "invalid_json_line",
        message:
          "This line contains a lone surrogate escape (such as \\ud800 without its pair), which is not valid Unicode.",
        line: 2,
        param: null,
      },
    ]);
  });

  test("every bad line is reported with its 1-based number", async () => {
    const content = [requestLine("a"), "", requestLine("a"), "x", requestLine("b", EMBEDDINGS)].join("\n");
    const result = await validateInputFile(fileWith(content), CHAT);
    expect(result.errors.map((e) => [e.code, e.line])).toEqual([
      ["invalid_json_line", 2],
      ["duplicate_custom_id", 3],
      ["invalid_json_line", 4],
      ["invalid_url", 5],
    ]);
  });

  test("more than 50,000 requests is too_many_tasks at line 50,001", async () => {
    const tiny = (i: number) =>
      `{"custom_id":"${i}","method":"POST","url":"/v1/moderations","body":{"input":"x"}}\n`;
    const content = Array.from({ length: 50_001 }, (_, i) => tiny(i)).join("");
    const result = await validateInputFile(fileWith(content), "/v1/moderations");
    expect(result.errors).toEqual([
      { code: "too_many_tasks", message: expect.stringContaining("50000"), line: 50_001, param: null },
    ]);
  });

  test("more than 50,000 embedding inputs is too_many_embedding_inputs", async () => {
    const many = Array.from({ length: 30_000 }, () => "x");
    const content = [0, 1]
      .map((i) => requestLine(`e${i}`, EMBEDDINGS, { model: "e", input: many }))
      .join("\n");
    const result = await validateInputFile(fileWith(content), EMBEDDINGS);
    expect(result.errors.map((e) => [e.code, e.line, e.param])).toEqual([
      ["too_many_embedding_inputs", 2, "body.input"],
    ]);
  });

  test("the codes are the documented ones", () => {
    expect(Object.values(VALIDATION_CODES).sort()).toEqual([
      "duplicate_custom_id",
      "empty_file",
      "file_too_large",
      "invalid_json_line",
      "invalid_method",
      "invalid_url",
      "invalid_value",
      "mismatched_model",
      "missing_required_parameter",
      "model_not_found",
      "too_many_embedding_inputs",
      "too_many_tasks",
    ]);
  });
});

describe("a batch whose file fails validation", () => {
  let env: TestEmulator | undefined;
  beforeAll(async () => {
    env = await startTestEmulator();
  });
  afterEach(() => env?.emulator.reset());
  afterAll(() => env?.close());

  test("ends failed with each error's code, line and param", async () => {
    const client = env!.client;
    const content = [
      requestLine("a"),
      line({ ...valid, custom_id: "b", method: "PUT" }),
      requestLine("c", CHAT, { model: "x", messages: [] }),
    ].join("\n");
    const batch = await createBatch(client, content);
    await env!.emulator.advance(1_000);
    const failed = await client.batches.retrieve(batch.id);
    expect(failed.status).toBe("failed");
    expect(failed.errors?.data?.map((e) => [e.code, e.line, e.param])).toEqual([
      ["invalid_method", 2, "method"],
      ["mismatched_model", 3, "body.model"],
    ]);
    expect(failed.request_counts).toEqual({ total: 0, completed: 0, failed: 0 });
  });
});
