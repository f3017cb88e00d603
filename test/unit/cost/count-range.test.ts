/**
 * Counting a byte range of a file: which lines a range holds, lines read across the 1 MiB chunks,
 * the last line without a newline, a line refused for a string over the limit (at a small limit,
 * as string-limit.test.ts does; string-limit-api.test.ts has the API's), the ranges a file is cut
 * into, and the line number of a byte offset.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { lineAlignedRanges, lineNumberAt, tallyFileRange } from "../../../provider/cost/count-range";
import { type TokenTally, tallyLines } from "../../../provider/cost/tally";

const CHAT = "/v1/chat/completions";
const MIB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), "count-range-"));

const request = (id: string, content: string, maxTokens?: number) =>
  JSON.stringify({
    custom_id: id,
    method: "POST",
    url: CHAT,
    body: {
      model: "gpt-4o-mini",
      messages: [{ role: "user", content }],
      ...(maxTokens ? { max_tokens: maxTokens } : {}),
    },
  });

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Where each line of a text starts, in bytes. */
function lineStarts(text: string): number[] {
  const starts = [0];
  const bytes = Buffer.from(text);
  for (let at = bytes.indexOf(0x0a); at !== -1; at = bytes.indexOf(0x0a, at + 1)) starts.push(at + 1);
  return starts;
}

/** Lines of 60 KiB to 700 KiB: some cross the 1 MiB chunks the file is read in, one ends a chunk. */
const LINES = Array.from({ length: 9 }, (_, index) =>
  request(
    `r${index}`,
    `${"word ".repeat(12_000 + ((index * 37_000) % 140_000))}end ${index}`,
    index % 3 === 0 ? undefined : index,
  ),
);
const TEXT = `${LINES.join("\n")}\n\n${request("last", "no newline after me", 5)}`;
const ALL = [...LINES, "", request("last", "no newline after me", 5)];
const path = file("chunks.jsonl", TEXT);
const STARTS = lineStarts(TEXT);

describe("a range of a file", () => {
  test("the whole file gives the tally of its lines, across chunks and without a final newline", async () => {
    expect(Buffer.byteLength(TEXT)).toBeGreaterThan(2 * MIB);
    expect(await tallyFileRange(path, CHAT, 0, Buffer.byteLength(TEXT))).toEqual(tallyLines(ALL, CHAT));
  });

  test("holds the lines that start in it, the last read to its end", async () => {
    for (const [from, to] of [
      [0, 3],
      [3, 4],
      [4, 9],
      [2, 11],
    ] as const) {
      // The range ends in the middle of line `to - 1`, and at once after its first byte.
      for (const end of [STARTS[to - 1]! + 1, STARTS[to - 1]! + 100]) {
        const tally = await tallyFileRange(path, CHAT, STARTS[from]!, end);
        expect(tally).toEqual(tallyLines(ALL.slice(from, to), CHAT));
      }
    }
  });

  test("that ends just after a newline does not hold the next line", async () => {
    expect(await tallyFileRange(path, CHAT, 0, STARTS[2]!)).toEqual(tallyLines(ALL.slice(0, 2), CHAT));
  });

  test("of an empty file, or that starts at its end, holds nothing", async () => {
    const empty = file("empty.jsonl", "");
    expect(await tallyFileRange(empty, CHAT, 0, 0)).toEqual(tallyLines([], CHAT));
    const size = Buffer.byteLength(TEXT);
    expect((await tallyFileRange(path, CHAT, size, size)).requests).toBe(0);
    // An empty range at the last line, which no newline ends, holds no line either.
    const last = STARTS[STARTS.length - 1]!;
    expect((await tallyFileRange(path, CHAT, last, last)).requests).toBe(0);
  });
});

describe("a line with a string over the limit", () => {
  const LIMIT = 64;
  const short = (id: string) => request(id, "short", 3);
  const over = (id: string, characters: number) => request(id, "x".repeat(characters), 3);

  async function tallyAt(lines: string[]): Promise<{ tally: TokenTally; starts: number[] }> {
    const text = lines.join("\n");
    const at = file(`limit-${lines.length}.jsonl`, text);
    return {
      tally: await tallyFileRange(at, CHAT, 0, Buffer.byteLength(text), LIMIT),
      starts: lineStarts(text),
    };
  }

  test("is a refused request, named by its byte offset; the lines around it count", async () => {
    const { tally, starts } = await tallyAt([
      short("a"),
      over("b", LIMIT + 1),
      short("c"),
      over("d", LIMIT + 1),
    ]);
    expect(tally).toEqual({
      ...tallyLines([short("a"), short("c")], CHAT),
      requests: 4,
      refusedRequests: 2,
      firstRefusedByte: starts[1],
      firstRefusedLine: undefined,
    });
  });

  test("a string at the limit is counted", async () => {
    const { tally } = await tallyAt([short("a"), over("b", LIMIT)]);
    expect(tally).toEqual(tallyLines([short("a"), over("b", LIMIT)], CHAT));
  });

  test("across chunks, and as the last line without a newline, is refused too", async () => {
    const { tally, starts } = await tallyAt([short("a"), over("b", 3 * MIB), short("c"), over("d", MIB)]);
    expect(tally).toMatchObject({ requests: 4, refusedRequests: 2, firstRefusedByte: starts[1] });
    expect(tally.inputTokens).toBe(tallyLines([short("a"), short("c")], CHAT).inputTokens);
  });
});

describe("the ranges a file is cut into", () => {
  test("start at lines, and skip a line longer than the probe", async () => {
    const ranges = await lineAlignedRanges(path, Buffer.byteLength(TEXT), 4);
    expect(ranges.length).toBe(4);
    for (const [index, [start, end]] of ranges.entries()) {
      expect(STARTS).toContain(start);
      expect(end).toBe(ranges[index + 1]?.[0] ?? Buffer.byteLength(TEXT));
    }
    // Each boundary is the first line start at or after the even cut.
    const size = Buffer.byteLength(TEXT);
    expect(ranges.map(([start]) => start)).toEqual(
      [0, 1, 2, 3].map((index) =>
        index === 0 ? 0 : STARTS.find((start) => start > Math.floor((size * index) / 4)),
      ),
    );
  });

  test("are fewer than asked for a file of fewer lines, or one line", async () => {
    const two = file("two.jsonl", "a\nb\n");
    expect(await lineAlignedRanges(two, 4, 8)).toEqual([
      [0, 2],
      [2, 4],
    ]);
    const one = file("one.jsonl", "x".repeat(200_000));
    expect(await lineAlignedRanges(one, 200_000, 3)).toEqual([[0, 200_000]]);
  });
});

describe("the line of a byte offset", () => {
  test("counts the newlines before it, across chunks", async () => {
    for (const [index, start] of STARTS.entries()) {
      expect(await lineNumberAt(path, start)).toBe(index + 1);
    }
    expect(await lineNumberAt(path, 0)).toBe(1);
  });

  test("past the end of the file is the line after the last", async () => {
    const short = file("short.jsonl", "a\nb\n");
    expect(await lineNumberAt(short, 100)).toBe(3);
  });
});
