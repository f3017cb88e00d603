import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { formatReport } from "../../provider/validation/jsonl/format";
import { JsonlScanner } from "../../provider/validation/jsonl/scanner";
import { serializeRequests } from "../../provider/validation/jsonl/serialize";
import { validateBatchInput } from "../../provider/validation/jsonl/validate";

const CHAT = "/v1/chat/completions";
const MESSAGES = [{ role: "user", content: "hi" }];
const line = (
  overrides: Record<string, unknown> = {},
  body: Record<string, unknown> = { model: "gpt-4o-mini", messages: MESSAGES },
) => JSON.stringify({ custom_id: "r1", method: "POST", url: CHAT, body, ...overrides });

async function problemsOf(content: string, endpoint: string | null = CHAT) {
  const report = await validateBatchInput({ content }, endpoint === null ? {} : { endpoint });
  return report.problems;
}

describe("validateBatchInput: one rule per row", () => {
  test.each([
    [
      "invalid JSON",
      "{nope\n",
      {
        line: 1,
        message:
          "the line is not valid JSON: expected a key in double quotes, found a word that is not a JSON value (strings need double quotes) (column 2)",
      },
    ],
    [
      "a line that is not an object",
      "[1,2]\n",
      { line: 1, message: "must be a JSON object with custom_id, method, url and body" },
    ],
    [
      "missing custom_id",
      `${line({ custom_id: undefined })}\n`,
      { line: 1, field: "custom_id", message: "custom_id is missing; give every line a unique custom_id" },
    ],
    [
      "empty custom_id",
      `${line({ custom_id: "" })}\n`,
      { line: 1, field: "custom_id", message: "custom_id must be a non-empty string" },
    ],
    [
      "missing method",
      `${line({ method: undefined })}\n`,
      { line: 1, field: "method", customId: "r1", message: 'method is missing; set it to "POST"' },
    ],
    [
      "a method other than POST",
      `${line({ method: "GET" })}\n`,
      {
        line: 1,
        field: "method",
        customId: "r1",
        message: 'method is "GET"; the Batch API only runs "POST" requests',
      },
    ],
    [
      "missing url",
      `${line({ url: undefined })}\n`,
      {
        line: 1,
        field: "url",
        customId: "r1",
        message: 'url is missing; set it to the batch endpoint ("/v1/chat/completions")',
      },
    ],
    [
      "a url that is not the endpoint",
      `${line({ url: "/v1/embeddings" })}\n`,
      {
        line: 1,
        field: "url",
        customId: "r1",
        message:
          'url is "/v1/embeddings" but the batch endpoint is "/v1/chat/completions"; every line must use the batch\'s endpoint',
      },
    ],
    [
      "missing body",
      `${line({ body: undefined })}\n`,
      {
        line: 1,
        field: "body",
        customId: "r1",
        message: "body is missing; it holds the request's parameters",
      },
    ],
    [
      "a body that is not an object",
      `${line({ body: "hi" })}\n`,
      {
        line: 1,
        field: "body",
        customId: "r1",
        message: "body must be a JSON object with the request's parameters",
      },
    ],
    [
      "a missing model",
      `${line({}, { messages: [] })}\n`,
      {
        line: 1,
        field: "body.model",
        customId: "r1",
        message: "body.model is missing; every line needs the same model",
      },
    ],
    [
      "an empty line",
      `${line()}\n\n${line({ custom_id: "r2" })}\n`,
      { line: 2, message: "the line is empty; remove blank lines (only a final newline may end the file)" },
    ],
    ["an empty input", "", { message: "there are no requests; put one JSON request per line" }],
    [
      "a byte-order mark",
      `\uFEFF${line()}\n`,
      {
        line: 1,
        message:
          "the file starts with a UTF-8 byte-order mark (the bytes EF BB BF); save it as UTF-8 without a BOM, or delete those first three bytes",
      },
    ],
  ])("%s", async (_name, content, expected) => {
    expect(await problemsOf(content)).toEqual([expected]);
  });

  test("a duplicate custom_id names the line that used it first", async () => {
    const content = [line(), line({ custom_id: "r2" }), line()].join("\n");
    expect(await problemsOf(content)).toEqual([
      {
        line: 3,
        field: "custom_id",
        message: 'custom_id "r1" is already used on line 1; every custom_id must be unique',
      },
    ]);
  });

  test("a second model names both models and the first line", async () => {
    const content = [line(), line({ custom_id: "r2" }, { model: "gpt-4o", messages: MESSAGES })].join("\n");
    expect(await problemsOf(content)).toEqual([
      {
        line: 2,
        field: "body.model",
        customId: "r2",
        message:
          'body.model is "gpt-4o" but line 1 uses "gpt-4o-mini"; a batch runs one model, so use the same model on every line or split the file',
      },
    ]);
  });

  test("a model left out on one line and set on another is two models where the model is optional", async () => {
    const moderation = (id: string, body: Record<string, unknown>) =>
      JSON.stringify({ custom_id: id, method: "POST", url: "/v1/moderations", body });
    const content = [
      moderation("a", { input: "x" }),
      moderation("b", { input: "y", model: "omni-moderation-latest" }),
    ].join("\n");
    expect(await problemsOf(content, "/v1/moderations")).toEqual([
      {
        line: 2,
        field: "body.model",
        customId: "b",
        message:
          'body.model is "omni-moderation-latest" but line 1 sets none; a batch runs one model, so use the same model on every line or split the file',
      },
    ]);
  });

  test("CRLF line endings are accepted", async () => {
    const report = await validateBatchInput(
      { content: `${line()}\r\n${line({ custom_id: "r2" })}\r\n` },
      { endpoint: CHAT },
    );
    expect(report).toMatchObject({ ok: true, lineCount: 2, problemCount: 0, model: "gpt-4o-mini" });
  });

  test("the url is not compared while the endpoint is unknown", async () => {
    expect(await problemsOf(`${line({ url: "/v1/anything" })}\n`, null)).toEqual([]);
  });

  test("more than 50,000 lines stops reading and says so", async () => {
    const content = Array.from({ length: 50_001 }, (_, i) => line({ custom_id: `r${i}` })).join("\n");
    const report = await validateBatchInput({ content }, { endpoint: CHAT });
    expect(report.ok).toBe(false);
    expect(report.sha256).toBeUndefined();
    expect(report.problems).toEqual([
      {
        message:
          "there are more than 50000 lines; a batch takes at most 50000 requests, so split the file, or give it to BatchSet, which splits it into batches for you",
      },
    ]);
  });

  test("more than 50,000 embedding inputs is refused on the line that crosses the limit", async () => {
    const embed = (id: string, count: number) =>
      JSON.stringify({
        custom_id: id,
        method: "POST",
        url: "/v1/embeddings",
        body: { model: "text-embedding-3-small", input: Array.from({ length: count }, () => "x") },
      });
    const content = [embed("a", 30_000), embed("b", 20_000), embed("c", 1)].join("\n");
    expect(await problemsOf(content, "/v1/embeddings")).toEqual([
      {
        line: 3,
        field: "body.input",
        customId: "c",
        message:
          "this line brings the embedding inputs to 50001; a batch takes at most 50000 embedding inputs in all, so split the file",
      },
    ]);
  });

  test("a problem names the line's custom_id, unless the line has none or the problem is its custom_id", async () => {
    const content = [
      line({ custom_id: "q-4" }, { messages: MESSAGES }),
      line({ custom_id: undefined, method: "GET" }),
      line({ custom_id: "q-4" }),
      line({ custom_id: "\u001b[2J".repeat(30), url: undefined }),
    ].join("\n");
    const report = await validateBatchInput({ content }, { endpoint: CHAT });
    expect(formatReport(report, "in.jsonl")).toEqual([
      'in.jsonl:1 (custom_id "q-4"): body.model is missing; every line needs the same model',
      "in.jsonl:2: custom_id is missing; give every line a unique custom_id",
      'in.jsonl:2: method is "GET"; the Batch API only runs "POST" requests',
      'in.jsonl:3: custom_id "q-4" is already used on line 1; every custom_id must be unique',
      `in.jsonl:4 (custom_id "${"\\u001b[2J".repeat(25)}…(cut)"): url is missing; set it to the batch endpoint ("/v1/chat/completions")`,
    ]);
  });

  test("only the first problems are kept, but all are counted", async () => {
    const content = Array.from({ length: 5 }, () => "x").join("\n");
    const report = await validateBatchInput({ content }, { endpoint: CHAT, maxProblems: 2 });
    expect(report.problemCount).toBe(5);
    expect(report.problems.map((p) => p.line)).toEqual([1, 2]);
    expect(formatReport(report, "in.jsonl").at(-1)).toBe("in.jsonl: ... and 3 more problems");
  });

  test("a line longer than the limit is reported without being held", async () => {
    const content = `${line()}\n${"y".repeat(5000)}\n${line({ custom_id: "r3" })}\n`;
    const report = await validateBatchInput({ content }, { endpoint: CHAT, maxLineBytes: 1000 });
    expect(report.problems).toEqual([
      { line: 2, message: "the line is longer than 1000 bytes; shorten the request" },
    ]);
  });
});

describe("JsonlScanner: chunk boundaries change nothing", () => {
  const content = Buffer.from(
    `\uFEFF${line()}\r\n${line({ custom_id: "r2" })}\n\n{broken\n${line({ custom_id: "r2", method: "GET" })}\n${"x".repeat(300)}\n${line({ custom_id: "r9" })}`,
  );
  const scan = (chunkSize: number) => {
    const scanner = new JsonlScanner({ endpoint: CHAT, maxProblems: 100, maxLineBytes: 250 });
    const reused = Buffer.alloc(chunkSize);
    for (let start = 0; start < content.length; start += chunkSize) {
      const size = content.copy(reused, 0, start, start + chunkSize);
      scanner.push(reused.subarray(0, size));
      reused.fill(0x7a); // the caller reuses its buffer: the scanner must not keep it
    }
    const sha256 = scanner.end();
    return { sha256, problems: scanner.problems, lines: scanner.lineCount, bytes: scanner.bytes };
  };

  test.each([1, 2, 3, 7, 64, 1024, 1 << 20])("read %i bytes at a time", (chunkSize) => {
    const whole = scan(content.length);
    expect(whole.problems.map((p) => p.line)).toEqual([1, 3, 4, 5, 5, 6]);
    expect(scan(chunkSize)).toEqual(whole);
  });
});

describe("validateBatchInput: sources", () => {
  test("a file gives the sha256 of its exact bytes, read in several chunks", async () => {
    const dir = mkdtempSync(join(tmpdir(), "validate-"));
    const path = join(dir, "in.jsonl");
    const content = `${Array.from({ length: 30_000 }, (_, i) => line({ custom_id: `r${i}` })).join("\n")}\n`;
    expect(Buffer.byteLength(content)).toBeGreaterThan(2 * 1024 * 1024);
    writeFileSync(path, content);
    const report = await validateBatchInput({ path }, { endpoint: CHAT });
    const { createHash } = await import("node:crypto");
    expect(report).toEqual({
      ok: true,
      endpoint: CHAT,
      problems: [],
      problemCount: 0,
      lineCount: 30_000,
      bytes: Buffer.byteLength(content),
      sha256: createHash("sha256").update(content).digest("hex"),
      model: "gpt-4o-mini",
      embeddingInputs: 0,
    });
  });

  test("inline requests are checked as the JSONL they upload", async () => {
    const requests = [
      { custom_id: "a", method: "POST", url: CHAT, body: { model: "m", messages: MESSAGES } },
      { custom_id: "a", method: "POST", url: CHAT, body: { model: "m", messages: MESSAGES } },
    ];
    const report = await validateBatchInput({ requests }, { endpoint: CHAT });
    expect(report.problems).toEqual([
      {
        line: 2,
        field: "custom_id",
        message: 'custom_id "a" is already used on requests[0]; every custom_id must be unique',
      },
    ]);
    expect(report.bytes).toBe(serializeRequests(requests).length);
  });

  test("serialized requests are one compact JSON object per line, each ending with a newline", () => {
    expect(serializeRequests([{ a: 1 }, { b: [2] }]).toString()).toBe('{"a":1}\n{"b":[2]}\n');
  });

  test("a file over 200 MB is refused from its size alone", async () => {
    const dir = mkdtempSync(join(tmpdir(), "validate-big-"));
    const path = join(dir, "big.jsonl");
    const { truncateSync } = await import("node:fs");
    writeFileSync(path, "");
    truncateSync(path, 200 * 1024 * 1024 + 1);
    const report = await validateBatchInput({ path }, { endpoint: CHAT });
    expect(report).toEqual({
      ok: false,
      problems: [
        {
          message:
            "the input is 200.0 MB; a batch input file may be at most 200 MB, so split it into several batches, or give it to BatchSet, which splits it into batches for you",
        },
      ],
      problemCount: 1,
      lineCount: 0,
      bytes: 200 * 1024 * 1024 + 1,
      embeddingInputs: 0,
    });
  });
});
