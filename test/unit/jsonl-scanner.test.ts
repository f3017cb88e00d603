import { describe, expect, test } from "vitest";
import { LIMITS } from "../../provider/contract";
import { JsonlScanner } from "../../provider/validation/jsonl/scanner";
import { validateBatchInput } from "../../provider/validation/jsonl/validate";

const E = "/v1/embeddings";
const line = (id: string) =>
  JSON.stringify({ custom_id: id, method: "POST", url: E, body: { model: "m", input: "x" } });
const L1 = line("a"); // 89 bytes
const L2 = line("b");
async function* chunks(...parts: string[]) {
  for (const part of parts) yield part;
}
const longer = (limit: number, lineNumber: number) => ({
  line: lineNumber,
  message: `the line is longer than ${limit} bytes; shorten the request`,
});

describe("the scanner splits lines as the bytes arrive, at the line limit", () => {
  test("a line of exactly the limit passes, whole or in pieces", async () => {
    expect(L1).toHaveLength(89);
    for (const source of [
      { content: `${L1}\n` },
      { stream: chunks(L1.slice(0, 10), L1.slice(10, 30), `${L1.slice(30)}\n`) },
      { stream: chunks(L1, "\n") },
    ]) {
      expect(await validateBatchInput(source, { endpoint: E, maxLineBytes: 89 })).toMatchObject({
        ok: true,
        problems: [],
        lineCount: 1,
        bytes: 90,
      });
    }
  });

  test.each([
    ["whole", [`${L1}\n${L2}\n`], 88],
    ["in pieces under the limit", [L1.slice(0, 10), L1.slice(10, 30), `${L1.slice(30)}\n${L2}\n`], 88],
    ["in pieces past the limit", [L1.slice(0, 40), L1.slice(40, 60), L1.slice(60), `\n${L2}\n`], 30],
  ])(
    "a line one byte over, %s, is refused and the next line is read on its own",
    async (_name, parts, limit) => {
      const report = await validateBatchInput(
        { stream: chunks(...parts) },
        { endpoint: E, maxLineBytes: limit },
      );
      expect(report).toMatchObject({
        ok: false,
        problems: [longer(limit, 1), longer(limit, 2)],
        problemCount: 2,
        lineCount: 2,
        bytes: 180,
      });
    },
  );

  test("a last line past the limit without its newline is refused", async () => {
    const report = await validateBatchInput(
      { stream: chunks(L1.slice(0, 40), L1.slice(40)) },
      { endpoint: E, maxLineBytes: 30 },
    );
    expect(report).toMatchObject({ ok: false, problems: [longer(30, 1)], lineCount: 1, bytes: 89 });
  });

  test("CRLF line ends are read as line ends", async () => {
    expect(await validateBatchInput({ content: `${L1}\r\n${L2}\r\n` }, { endpoint: E })).toMatchObject({
      ok: true,
      lineCount: 2,
      bytes: 182,
    });
  });
});

describe("what the scanner says of a line, exactly", () => {
  test.each([
    [
      "a line of spaces is empty",
      `${L1}\n   \n`,
      [{ line: 2, message: "the line is empty; remove blank lines (only a final newline may end the file)" }],
    ],
    [
      "a byte-order mark on the first line",
      `\uFEFF${L1}\n`,
      [
        {
          line: 1,
          message:
            "the file starts with a UTF-8 byte-order mark (the bytes EF BB BF); save it as UTF-8 without a BOM, or delete those first three bytes",
        },
      ],
    ],
    [
      "a byte-order mark on a later line is no JSON",
      `${L1}\n\uFEFF${L2}\n`,
      [
        {
          line: 2,
          message:
            "the line is not valid JSON: expected a value, found a character that JSON does not allow there (column 1)",
        },
      ],
    ],
    [
      "a lone surrogate as the whole line",
      `"\\ud800"\n`,
      [
        {
          line: 1,
          message:
            "the line holds a lone surrogate (\\ud800 without its pair), which is not valid Unicode text; the API refuses it, so fix the text or its escapes",
        },
      ],
    ],
    [
      "a lone surrogate in a field",
      `${L1.replace('"input":"x"', '"input":"\\ud800"')}\n`,
      [
        {
          line: 1,
          customId: "a",
          field: "body.input",
          message:
            "body.input holds a lone surrogate (\\ud800 without its pair), which is not valid Unicode text; the API refuses it, so fix the text or its escapes",
        },
      ],
    ],
    ["no line at all", "", [{ message: "there are no requests; put one JSON request per line" }]],
  ])("%s", async (_name, content, problems) => {
    const report = await validateBatchInput({ content }, { endpoint: E });
    expect(report.problems).toEqual(problems);
  });

  test("the endpoint comes from the first line only when asked", async () => {
    const content = `${L1}\n`;
    expect((await validateBatchInput({ content }, { endpointFromFirstLine: true })).endpoint).toBe(E);
    expect(
      (await validateBatchInput({ content }, { endpointFromFirstLine: false })).endpoint,
    ).toBeUndefined();
    expect((await validateBatchInput({ content }, {})).endpoint).toBeUndefined();
  });

  test("a value JSON cannot hold in an inline request is named by its request or its field", async () => {
    const nan = await validateBatchInput({ requests: [Number.NaN] }, { endpoint: E });
    expect(nan.problems[0]).toEqual({
      line: 1,
      message: "requests[0] is NaN, which JSON cannot hold (it would be sent as null); use a finite number",
    });
    const field = await validateBatchInput(
      {
        requests: [
          {
            custom_id: "a",
            method: "POST",
            url: E,
            body: { model: "m", input: "x", dimensions: Number.NaN },
          },
        ],
      },
      { endpoint: E },
    );
    expect(field.problems).toEqual([
      {
        line: 1,
        field: "body.dimensions",
        message:
          "body.dimensions is NaN, which JSON cannot hold (it would be sent as null); use a finite number",
      },
    ]);
  });
});

describe("the line count limit", () => {
  const many = (n: number) => `${Array.from({ length: n }, (_, i) => line(`r${i}`)).join("\n")}\n`;

  test(`${LIMITS.maxLines} lines pass; one more stops the read`, async () => {
    expect(LIMITS.maxLines).toBe(50_000);
    expect(await validateBatchInput({ content: many(50_000) }, { endpoint: E })).toMatchObject({
      ok: true,
      lineCount: 50_000,
    });
    const over = await validateBatchInput({ content: many(50_001) }, { endpoint: E });
    expect(over).toMatchObject({
      ok: false,
      problems: [
        {
          message:
            "there are more than 50000 lines; a batch takes at most 50000 requests, so split the file, or give it to BatchSet, which splits it into batches for you",
        },
      ],
      lineCount: 50_000,
    });
    expect(over.sha256).toBeUndefined();
  });

  test("a scanner that stopped takes no more input", () => {
    const scanner = new JsonlScanner({ endpoint: E, maxProblems: 10, maxLineBytes: 1_000 });
    expect(scanner.push(Buffer.from(many(50_001)))).toBe(false);
    const bytes = scanner.bytes;
    expect(scanner.push(Buffer.from(`${L1}\n`))).toBe(false);
    expect(scanner.bytes).toBe(bytes);
    expect(scanner.lineCount).toBe(50_000);
    expect(scanner.end()).toBeUndefined();
  });
});
