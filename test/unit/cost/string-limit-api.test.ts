/**
 * The API's longest string (10,485,760 characters): a request that holds a longer one is counted
 * as refused, not counted; a line that holds one is seen while it is read, as its bytes arrive.
 * Its strings of ten million characters are too slow for `npm run mutation`, which leaves this
 * file out: string-limit.test.ts checks the same counting at a small limit.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { tallyFile } from "../../../provider/cost/count-file";
import { tallyFileRange } from "../../../provider/cost/count-range";
import { estimateCost } from "../../../provider/cost/estimate";
import { isOverStringLimit, LongStringScanner, MAX_STRING_CHARS } from "../../../provider/cost/string-limit";
import { countRequestBody, tallyLines } from "../../../provider/cost/tally";

const CHAT = "/v1/chat/completions";
const dir = mkdtempSync(join(tmpdir(), "string-limit-"));

function scan(json: string, pieceBytes = 1 << 20): boolean {
  const scanner = new LongStringScanner();
  const bytes = Buffer.from(json, "utf8");
  for (let from = 0; from < bytes.length; from += pieceBytes) {
    scanner.push(bytes, from, Math.min(bytes.length, from + pieceBytes));
  }
  return scanner.overLimit;
}

const line = (id: string, content: string) =>
  JSON.stringify({
    custom_id: id,
    method: "POST",
    url: CHAT,
    body: { model: "gpt-4o-mini", messages: [{ role: "user", content }] },
  });

describe("a string over the API's limit", () => {
  test("is the limit the API reports, 10,485,760 characters", () => {
    expect(MAX_STRING_CHARS).toBe(10_485_760);
  });

  test.each([
    ["ASCII", "a", 1],
    ["3-byte characters", "設", 1],
    ["emoji (4 bytes, a surrogate pair)", "😀", 1],
  ])("of %s: the limit holds, one more is over", (_label, character) => {
    const at = character.repeat(MAX_STRING_CHARS);
    expect(isOverStringLimit(at)).toBe(false);
    expect(isOverStringLimit(at + character)).toBe(true);
    // The scanner reads the JSON text in pieces that cut characters and escapes anywhere.
    expect(scan(JSON.stringify({ content: at }), 4093)).toBe(false);
    expect(scan(JSON.stringify({ content: at + character }), 4093)).toBe(true);
  });

  test("escapes count one character each, an escaped surrogate pair one in all", () => {
    const escaped = (unit: string, count: number) => `{"content":"${unit.repeat(count)}"}`;
    expect(scan(escaped("\\n", MAX_STRING_CHARS))).toBe(false);
    expect(scan(escaped("\\n", MAX_STRING_CHARS + 1))).toBe(true);
    expect(scan(escaped("\\u00e9", MAX_STRING_CHARS))).toBe(false);
    expect(scan(escaped("\\u00e9", MAX_STRING_CHARS + 1))).toBe(true);
    expect(scan(escaped("\\ud83d\\ude00", MAX_STRING_CHARS))).toBe(false);
    expect(scan(escaped("\\ud83d\\ude00", MAX_STRING_CHARS + 1))).toBe(true);
  });

  test("many strings under the limit make no string over it; an escaped quote does not end a string", () => {
    const half = "a".repeat(MAX_STRING_CHARS / 2);
    expect(scan(JSON.stringify({ a: half, b: half, c: `${half}"\\${half.slice(3)}` }))).toBe(false);
    expect(scan(JSON.stringify({ a: `x"\\${"a".repeat(MAX_STRING_CHARS - 2)}`, b: "}" }))).toBe(true);
  });

  test("makes its request refused: a request, no tokens, no output", () => {
    const counted = countRequestBody(
      {
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: "a".repeat(MAX_STRING_CHARS + 1) }],
        max_tokens: 10,
      },
      CHAT,
    );
    expect(counted).toEqual({ input: 0, maxOutput: 0, uncounted: 0, refused: true, model: "gpt-4o-mini" });
  });
});

describe("a file with a line over the limit", () => {
  const path = join(dir, "long.jsonl");
  const long = "設".repeat(MAX_STRING_CHARS + 1);
  writeFileSync(path, [line("a", "short one"), line("b", long), line("c", "short two")].join("\n"));
  const expected = tallyLines([line("a", "short one"), line("c", "short two")], CHAT);

  test("counts the other lines, and the refused one as a request without tokens, naming its line", async () => {
    for (const tally of [
      await tallyFileRange(path, CHAT, 0, Number.MAX_SAFE_INTEGER),
      await tallyFile(path, CHAT),
    ]) {
      expect(tally).toMatchObject({
        requests: 3,
        inputTokens: expected.inputTokens,
        refusedRequests: 1,
      });
    }
    const tally = await tallyFile(path, CHAT);
    expect(tally.firstRefusedLine).toBe(2);
    const { warnings } = estimateCost(tally);
    expect(warnings).toContain(
      "1 of 3 requests (on line 2) holds a string of more than 10,485,760 characters, the most the API takes in one string: the API will fail it (string_above_max_length), so its tokens are not counted; shorten that string or split the requests",
    );
  });
});
