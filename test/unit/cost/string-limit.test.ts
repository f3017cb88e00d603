/**
 * How a string's characters are counted against the API's limit, at a small limit: the same code
 * counts to 10,485,760 in string-limit-api.test.ts, whose strings of that size are too slow for
 * `npm run mutation`; these cases run there.
 */
import { describe, expect, test } from "vitest";
import { isOverStringLimit, LongStringScanner } from "../../../provider/cost/string-limit";

const LIMIT = 8;

/** Whether the scanner finds a string over LIMIT in a JSON text given in pieces of `pieceBytes`. */
function scan(json: string, pieceBytes: number): boolean {
  const scanner = new LongStringScanner(LIMIT);
  const bytes = Buffer.from(json, "utf8");
  for (let from = 0; from < bytes.length; from += pieceBytes) {
    scanner.push(bytes, from, Math.min(bytes.length, from + pieceBytes));
  }
  return scanner.overLimit;
}

/** The scanner's answer, the same for every way of cutting the text into pieces. */
function scanned(json: string): boolean {
  const answers = new Set([1, 2, 3, 5, 7, 64].map((pieceBytes) => scan(json, pieceBytes)));
  expect(answers.size).toBe(1);
  return [...answers][0]!;
}

describe("a string's characters, at a limit of 8", () => {
  test.each([
    ["ASCII", "a"],
    ["3-byte characters", "設"],
    ["emoji (4 bytes, a surrogate pair)", "😀"],
  ])("of %s: the limit holds, one more is over", (_label, character) => {
    const at = character.repeat(LIMIT);
    expect(isOverStringLimit(at, LIMIT)).toBe(false);
    expect(isOverStringLimit(at + character, LIMIT)).toBe(true);
    expect(scanned(JSON.stringify({ c: at }))).toBe(false);
    expect(scanned(JSON.stringify({ c: at + character }))).toBe(true);
  });

  test("a lone low surrogate is a character, first or after another character", () => {
    expect(isOverStringLimit(`\udc00${"a".repeat(LIMIT)}`, LIMIT)).toBe(true);
    expect(isOverStringLimit("a\udc00".repeat(LIMIT / 2), LIMIT)).toBe(false);
    expect(isOverStringLimit(`${"a\udc00".repeat(LIMIT / 2)}b`, LIMIT)).toBe(true);
    // A high surrogate without its low half is a character, and so is what follows it.
    expect(isOverStringLimit("\ud83da".repeat(LIMIT / 2), LIMIT)).toBe(false);
    expect(isOverStringLimit(`${"\ud83da".repeat(LIMIT / 2)}b`, LIMIT)).toBe(true);
  });

  test("the surrogate ranges' bounds: a pair at each end is one character, a unit past them is not half a pair", () => {
    for (const pair of ["\u{10000}", "\u{10FFFF}", "\ud800\udfff", "\udbff\udc00"]) {
      expect(isOverStringLimit(pair.repeat(LIMIT), LIMIT)).toBe(false);
      expect(isOverStringLimit(pair.repeat(LIMIT + 1), LIMIT)).toBe(true);
    }
    // After a high surrogate, U+E000 is a character of its own; a low after U+E000 too.
    for (const two of ["\ud83d\ue000", "\ue000\udc00"]) {
      expect(isOverStringLimit(two.repeat(LIMIT / 2), LIMIT)).toBe(false);
      expect(isOverStringLimit(`${two.repeat(LIMIT / 2)}b`, LIMIT)).toBe(true);
    }
  });

  test("escaped pairs at the bounds of the ranges, in every hex digit's case, are one character", () => {
    const escaped = (unit: string, count: number) => `{"c":"${unit.repeat(count)}"}`;
    for (const pair of [
      "\\ud800\\udc00",
      "\\udbff\\udfff",
      "\\uDBFF\\uDFFF",
      "\\ud800\\udfff",
      "\\uD800\\uDFFF",
      "\\ud93d\\ude00",
      "\\udaaa\\udc00",
      "\\uDAAA\\uDC00",
    ]) {
      expect(scanned(escaped(pair, LIMIT))).toBe(false);
      expect(scanned(escaped(pair, LIMIT + 1))).toBe(true);
    }
    // Not pairs: a high and U+E000, a character and a low: two characters each.
    for (const two of ["\\ud83d\\ue000", "a\\udc00", "\\u00e9\\udc00"]) {
      expect(scanned(escaped(two, LIMIT / 2))).toBe(false);
      expect(scanned(`{"c":"${two.repeat(LIMIT / 2)}x"}`)).toBe(true);
    }
  });

  test("escapes count one character each, an escaped surrogate pair one in all, in either case of hex", () => {
    const escaped = (unit: string, count: number) => `{"c":"${unit.repeat(count)}"}`;
    for (const unit of ["\\n", '\\"', "\\\\", "\\u00e9", "\\u00E9", "\\ud83d\\ude00", "\\uD83D\\uDE00"]) {
      expect(scanned(escaped(unit, LIMIT))).toBe(false);
      expect(scanned(escaped(unit, LIMIT + 1))).toBe(true);
    }
    // An escaped high surrogate followed by another character: two characters.
    expect(scanned(escaped("\\ud83d\\u00e9", LIMIT / 2))).toBe(false);
    expect(scanned(`{"c":"${"\\ud83d\\u00e9".repeat(LIMIT / 2)}x"}`)).toBe(true);
    // Two escaped lows after one high: the second is a character of its own.
    expect(scanned(`{"c":"\\ud83d\\ude00\\ude00${"x".repeat(LIMIT - 2)}"}`)).toBe(false);
    expect(scanned(`{"c":"\\ud83d\\ude00\\ude00${"x".repeat(LIMIT - 1)}"}`)).toBe(true);
  });

  test("each string counts from 0, a surrogate pair does not span two strings", () => {
    const full = "x".repeat(LIMIT);
    expect(scanned(JSON.stringify({ a: full, b: full, c: full }))).toBe(false);
    expect(scanned(`{"a":"${"x".repeat(LIMIT - 1)}\\ud83d","b":"\\ude00${full}"}`)).toBe(true);
  });

  test("an escaped quote does not end a string; text outside strings is not counted", () => {
    expect(scanned(`{"c":"x\\"${"y".repeat(LIMIT - 2)}"}`)).toBe(false);
    expect(scanned(`{"c":"x\\"${"y".repeat(LIMIT - 1)}", "d": [1234567890, true, false, null]}`)).toBe(true);
    expect(scanned(`{"c": [123456789012, 345678901234], "d": {"e": true}}`)).toBe(false);
  });

  test("once over, the scanner stays over", () => {
    const scanner = new LongStringScanner(LIMIT);
    scanner.push(Buffer.from(`{"c":"${"x".repeat(LIMIT + 1)}"`));
    scanner.push(Buffer.from(',"d":"short"}'));
    expect(scanner.overLimit).toBe(true);
  });

  test("reads only the bytes between `from` and `to`", () => {
    const scanner = new LongStringScanner(LIMIT);
    const bytes = Buffer.from(`"${"x".repeat(LIMIT + 4)}"`);
    scanner.push(bytes, 0, LIMIT + 1);
    expect(scanner.overLimit).toBe(false);
    scanner.push(bytes, LIMIT + 1, LIMIT + 2);
    expect(scanner.overLimit).toBe(true);
  });
});
