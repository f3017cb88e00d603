import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { customIdOf, fastCustomIdHash } from "../../../provider/set/custom-id";
import { hashText } from "../../../provider/set/line-hash";
import { splitFile } from "../../../provider/set/split";

const SECRET = "sk-proj-Zq8vT3xW9yK2mN5bR7cD";
const of = (text: string) => {
  const bytes = Buffer.from(`..${text}..`, "utf8");
  return customIdOf(bytes, 2, bytes.length - 2);
};

describe("customIdOf: a line's custom_id and its hash", () => {
  test.each([
    ["a compact line (fast path)", '{"custom_id":"req-1","method":"POST"}', "req-1", true],
    ["an id with non-ASCII text (fast path)", '{"custom_id":"é-€","body":{}}', "é-€", true],
    ["an id with an escape (parsed)", '{"custom_id":"a\\"b","body":{}}', 'a"b', false],
    ["an id that is not first (parsed)", '{"method":"POST","custom_id":"req-2"}', "req-2", false],
    ["a line with spaces (parsed)", '{ "custom_id": "req-3" }', "req-3", false],
  ])("%s", (_name, text, customId, fast) => {
    expect(of(text)).toEqual({ ok: true, customId, hash: hashText(customId) });
    const bytes = Buffer.from(text, "utf8");
    expect(fastCustomIdHash(bytes, 0, bytes.length)).toBe(fast ? hashText(customId) : undefined);
  });

  test.each([
    ["an empty id", '{"custom_id":""}', "has no custom_id; every request needs a non-empty string custom_id"],
    [
      "a number as id",
      '{"custom_id":5}',
      "has no custom_id; every request needs a non-empty string custom_id",
    ],
    ["no id", '{"method":"POST"}', "has no custom_id; every request needs a non-empty string custom_id"],
    ["an array", '["custom_id"]', "is not a JSON object; each line must be one request object"],
    ["null", "null", "is not a JSON object; each line must be one request object"],
    ["a number", "42", "is not a JSON object; each line must be one request object"],
    ["a string", '"custom_id"', "is not a JSON object; each line must be one request object"],
    [
      "a prefix cut short",
      '{"custom_id":"abc',
      "is not valid JSON: a string is not closed before the end of the line (column 14)",
    ],
    [
      "a secret not in quotes",
      `{"api_key":${SECRET},"custom_id":"a"}`,
      "is not valid JSON: expected a value, found a word that is not a JSON value (strings need double quotes) (column 12)",
    ],
  ])("%s is refused with where and what, never the line's text", (_name, text, reason) => {
    expect(of(text)).toEqual({ ok: false, reason });
  });
});

describe("customIdOf reads no byte past the line's end", () => {
  test("an id whose closing quote is past the end is a line cut short, not an id", () => {
    const bytes = Buffer.from('{"custom_id":"abc"}', "utf8");
    const quote = bytes.lastIndexOf(0x22);
    expect(customIdOf(bytes, 0, quote)).toEqual({
      ok: false,
      reason: "is not valid JSON: a string is not closed before the end of the line (column 14)",
    });
    expect(fastCustomIdHash(bytes, 0, quote)).toBeUndefined();
    expect(customIdOf(bytes, 0, bytes.length)).toEqual({ ok: true, customId: "abc", hash: hashText("abc") });
  });
});

describe("a split refuses a line that is not JSON without quoting it", () => {
  const dir = mkdtempSync(join(tmpdir(), "custom-id-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("the message names the line and the column, and no part of the secret", () => {
    const file = join(dir, "in.jsonl");
    writeFileSync(file, `{"custom_id":"a","body":{}}\n{"api_key":${SECRET},"custom_id":"b"}\n`);
    let thrown: unknown;
    try {
      splitFile(file, {
        bounds: { maxRequests: 10, maxBytes: 10_000 },
        cacheDir: join(dir, "cache"),
        property: "inputFile",
        label: "in.jsonl",
      });
    } catch (error) {
      thrown = error;
    }
    const message = (thrown as Error).message;
    expect(message).toMatch(/^inputFile: in\.jsonl: line 2 is not valid JSON: .* \(column 12\)/);
    expect(message).not.toContain(SECRET.slice(3, 10));
  });
});
