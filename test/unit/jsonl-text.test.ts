import { describe, expect, test } from "vitest";
import { locateJsonError } from "../../provider/validation/jsonl/json-syntax";
import { validateBatchInput } from "../../provider/validation/jsonl/validate";

const CHAT = "/v1/chat/completions";
const MESSAGES = [{ role: "user", content: "hi" }];
const request = (body: Record<string, unknown>, id = "r1") =>
  JSON.stringify({
    custom_id: id,
    method: "POST",
    url: CHAT,
    body: { model: "m", messages: MESSAGES, ...body },
  });

async function problemsOf(content: string | Uint8Array) {
  return (await validateBatchInput({ content }, { endpoint: CHAT })).problems;
}

describe("text that is not text is refused, naming the line", () => {
  test("a byte that is not UTF-8 names its line and its place in the line", async () => {
    const [before, after] = request({ note: "XX" }, "r2").split("XX") as [string, string];
    const content = Buffer.concat([
      Buffer.from(`${request({})}\n${before}`),
      Buffer.from([0x80]),
      Buffer.from(`${after}\n`),
    ]);
    expect(await problemsOf(content)).toEqual([
      {
        line: 2,
        message: `the line is not valid UTF-8 (byte ${before.length + 1} of the line); save the file as UTF-8`,
      },
    ]);
  });

  test.each([
    ["an overlong encoding", [0xc0, 0xaf]],
    ["a UTF-8 encoded surrogate (CESU-8)", [0xed, 0xa0, 0x80]],
    ["a truncated sequence", [0xe2, 0x82]],
    ["a code point above U+10FFFF", [0xf4, 0x90, 0x80, 0x80]],
  ])("%s", async (_name, bytes) => {
    const [before, after] = request({ note: "XX" }).split("XX") as [string, string];
    const content = Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after)]);
    expect(await problemsOf(content)).toEqual([
      {
        line: 1,
        message: `the line is not valid UTF-8 (byte ${before.length + 1} of the line); save the file as UTF-8`,
      },
    ]);
  });

  test("a lone surrogate escape names the line and the field", async () => {
    const content = `${request({})}\n${request({ messages: [{ role: "user", content: "a\\ud800b" }] }, "r2")}\n`;
    // JSON.stringify escaped the backslash; undo that so the line holds the escape itself.
    expect(await problemsOf(content.replace("\\\\ud800", "\\ud800"))).toEqual([
      {
        line: 2,
        field: "body.messages[0].content",
        message:
          "body.messages[0].content holds a lone surrogate (\\ud800 without its pair), which is not valid Unicode text; the API refuses it, so fix the text or its escapes",
      },
    ]);
  });

  test("a lone low surrogate in a key is refused too", async () => {
    const line = request({ XX: 1 }).replace('"XX"', '"\\udc00"');
    expect(await problemsOf(line)).toEqual([
      {
        line: 1,
        field: "body",
        message: expect.stringMatching(/^body has a key that holds a lone surrogate \(\\udc00/),
      },
    ]);
  });

  test("a surrogate pair, escaped or not, and an escaped backslash before u are text", async () => {
    const content = [
      request({ note: "\ud83d\ude00" }, "a"),
      request({ note: "XX" }, "b").replace("XX", "\\ud83d\\ude00"),
      request({ note: "\\ud800" }, "c"),
    ].join("\n");
    expect(await problemsOf(content)).toEqual([]);
  });

  test.each([
    [Number.NaN, "NaN"],
    [Number.POSITIVE_INFINITY, "Infinity"],
    [Number.NEGATIVE_INFINITY, "-Infinity"],
  ])("an inline %s is reported as what it is, on its path", async (value, name) => {
    const requests = [
      { custom_id: "a", method: "POST", url: CHAT, body: { model: "m", messages: MESSAGES } },
      {
        custom_id: "b",
        method: "POST",
        url: CHAT,
        body: { model: "m", messages: MESSAGES, temperature: value },
      },
    ];
    const report = await validateBatchInput({ requests }, { endpoint: CHAT });
    expect(report.problems).toEqual([
      {
        line: 2,
        field: "body.temperature",
        message: `body.temperature is ${name}, which JSON cannot hold (it would be sent as null); use a finite number`,
      },
    ]);
  });

  test.each(["NaN", "Infinity", "-Infinity"])(
    "%s in a JSONL line is named, with its column",
    async (word) => {
      const line = request({ temperature: 7 }).replace(":7", `:${word}`);
      expect(await problemsOf(line)).toEqual([
        {
          line: 1,
          message: `the line is not valid JSON: ${word} is not a JSON value; write a number, or null (column ${line.indexOf(word) + 1})`,
        },
      ]);
    },
  );
});

describe("a JSON parse error gives a position and never the line's content", () => {
  const SECRET = "sk-proj-Zq8vT3xW9yK2mN5bR7cD";

  test.each([
    ["an unquoted value", `{"custom_id":"a","api_key":${SECRET}}`],
    ["a single-quoted value", `{"custom_id":"a","api_key":'${SECRET}'}`],
    ["an unterminated string", `{"custom_id":"a","api_key":"${SECRET}`],
    ["a bad escape", `{"custom_id":"a","api_key":"${SECRET}\\x"}`],
    ["trailing text", `{"custom_id":"a"} ${SECRET}`],
    ["an unquoted key", `{${SECRET}: 1}`],
  ])("%s", async (_name, line) => {
    // What V8 would have said quotes the secret: this is what must not reach the diagnostics.
    expect(() => JSON.parse(line)).toThrow();
    const problems = await problemsOf(`${line}\n`);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/^the line is not valid JSON: .* \(column \d+\)$/);
    expect(JSON.stringify(problems)).not.toContain(SECRET.slice(3, 12));
  });

  test.each([
    ['{"a":1', { column: 7, problem: "the line ends before '}' closes what it opened" }],
    ['{"a" 1}', { column: 6, problem: "expected ':' after the key, found a number" }],
    ['{"a":1,}', { column: 8, problem: "expected a key in double quotes, found '}'" }],
    ["[1,2", { column: 5, problem: "the line ends before ']' closes what it opened" }],
    ["[1 2]", { column: 4, problem: "expected ',' or ']', found a number" }],
    ['{"a":"x', { column: 6, problem: "a string is not closed before the end of the line" }],
    [
      '{"a":"\t"}',
      { column: 7, problem: "a control character (such as a tab or newline) inside a string; escape it" },
    ],
    ['{"a":"\\u12"}', { column: 7, problem: "a \\u escape needs four hexadecimal digits" }],
    ["", { column: 1, problem: "the line ends where a value was expected" }],
    ['{"a":-}', { column: 6, problem: "expected a value, found a number" }],
  ])("locateJsonError(%j)", (text, expected) => {
    expect(locateJsonError(text)).toEqual(expected);
  });

  test.each(['{"a":[1,{"b":null}],"c":"\\u00e9\\n"}', "[]", "{}", "-1.5e+3", '"x"', " true "])(
    "valid JSON %j has no error",
    (text) => {
      expect(locateJsonError(text)).toBeUndefined();
    },
  );
});
