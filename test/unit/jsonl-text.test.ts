import { isUtf8 } from "node:buffer";
import { describe, expect, test } from "vitest";
import { seededRandom } from "../../provider/emulator/faults/prng";
import { locateJsonError } from "../../provider/validation/jsonl/json-syntax";
import { firstInvalidUtf8 } from "../../provider/validation/jsonl/text-rules";
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
    ["an overlong two-byte encoding with lead C1", [0xc1, 0xbf]],
    ["an overlong three-byte encoding of '/'", [0xe0, 0x80, 0xaf]],
    ["an overlong three-byte encoding of U+07FF", [0xe0, 0x9f, 0xbf]],
    ["an overlong four-byte encoding of '/'", [0xf0, 0x80, 0x80, 0xaf]],
    ["an overlong four-byte encoding of U+FFFF", [0xf0, 0x8f, 0xbf, 0xbf]],
    ["a UTF-8 encoded surrogate (CESU-8)", [0xed, 0xa0, 0x80]],
    ["a UTF-8 encoded low surrogate", [0xed, 0xbf, 0xbf]],
    ["an encoded surrogate pair (CESU-8)", [0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]],
    ["a truncated sequence", [0xe2, 0x82]],
    ["a code point above U+10FFFF", [0xf4, 0x90, 0x80, 0x80]],
    ["a lead byte F5, beyond Unicode", [0xf5, 0x80, 0x80, 0x80]],
    ["a five-byte form", [0xf8, 0x88, 0x80, 0x80, 0x80]],
    ["the byte FF", [0xff]],
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
        customId: "r2",
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
        customId: "r1",
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

describe("firstInvalidUtf8 agrees with Node's own UTF-8 check", () => {
  /**
   * Where `firstInvalidUtf8` says the bytes stop being UTF-8: -1 exactly when Node's `isUtf8`
   * accepts them; otherwise every byte before that place is well-formed, and no well-formed
   * character (1 to 4 bytes) starts there.
   */
  function disagreement(bytes: Uint8Array): string | undefined {
    const at = firstInvalidUtf8(bytes);
    const valid = isUtf8(bytes);
    const shown = Buffer.from(bytes).toString("hex");
    if (valid || at === -1) return valid === (at === -1) ? undefined : `${shown}: isUtf8 ${valid}, at ${at}`;
    if (!isUtf8(bytes.subarray(0, at))) return `${shown}: the bytes before ${at} are not UTF-8`;
    for (let length = 1; length <= 4 && at + length <= bytes.length; length += 1) {
      if (isUtf8(bytes.subarray(at, at + length))) return `${shown}: a character starts at ${at}`;
    }
    return undefined;
  }

  function disagreements(corpus: Iterable<Uint8Array>): { checked: number; wrong: string[] } {
    let checked = 0;
    const wrong: string[] = [];
    for (const bytes of corpus) {
      checked += 1;
      const problem = disagreement(bytes);
      if (problem !== undefined && wrong.length < 10) wrong.push(problem);
    }
    return { checked, wrong };
  }

  /** Bytes at and around every boundary the UTF-8 rules draw. */
  const EDGES = [
    0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xec, 0xed,
    0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xf7, 0xf8, 0xfe, 0xff,
  ];

  test("over every sequence of one and two bytes", () => {
    const result = disagreements(
      (function* () {
        for (let a = 0; a < 256; a += 1) {
          yield Uint8Array.of(a);
          for (let b = 0; b < 256; b += 1) yield Uint8Array.of(a, b);
        }
      })(),
    );
    expect(result).toEqual({ checked: 256 + 256 * 256, wrong: [] });
  });

  /** A byte below, at each end of, and above the continuation range 80–BF. */
  const AFTER = [0x41, 0x80, 0xbf, 0xc0];

  test("over every lead byte and second byte, followed by one or two bytes in or out of the continuation range", () => {
    const result = disagreements(
      (function* () {
        for (let a = 0xc0; a < 256; a += 1) {
          for (let b = 0; b < 256; b += 1) {
            for (const c of AFTER) {
              yield Uint8Array.of(a, b, c);
              for (const d of AFTER) yield Uint8Array.of(a, b, c, d);
            }
          }
        }
      })(),
    );
    expect(result).toEqual({ checked: 64 * 256 * AFTER.length * (1 + AFTER.length), wrong: [] });
  });

  test("over seeded random text mixing ASCII, edge bytes and well-formed characters", () => {
    const random = seededRandom(20_240_229);
    const pieces = [
      ...EDGES.map((byte) => [byte]),
      ...["a", "é", "€", "😀", "\u{10ffff}", "\u{fffd}", "\u{d7ff}", "\u{e000}"].map((text) => [
        ...Buffer.from(text),
      ]),
    ];
    const result = disagreements(
      (function* () {
        for (let sample = 0; sample < 20_000; sample += 1) {
          const bytes: number[] = [];
          const count = 1 + Math.floor(random() * 12);
          for (let index = 0; index < count; index += 1) {
            if (random() < 0.2) bytes.push(Math.floor(random() * 256));
            else bytes.push(...(pieces[Math.floor(random() * pieces.length)] as number[]));
          }
          yield Uint8Array.from(bytes);
        }
      })(),
    );
    expect(result).toEqual({ checked: 20_000, wrong: [] });
  });
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
