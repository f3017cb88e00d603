import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { tallyFile } from "../../../provider/cost/count-file";
import { lineAlignedRanges, tallyFileRange } from "../../../provider/cost/count-range";
import { tallyLines } from "../../../provider/cost/tally";
import { REPO_ROOT } from "../../support/repo";

const CHAT = "/v1/chat/completions";
const dir = mkdtempSync(join(tmpdir(), "count-file-"));
const path = join(dir, "in.jsonl");
const WORDS = ["ticket", "crash", "réglages", "設定", "😡", '{"code": 500}', "because", "über"];

beforeAll(() => {
  // Counting in workers needs the compiled worker module, as `npm run build` leaves it.
  const worker = join(REPO_ROOT, "dist", "provider", "cost", "count-worker.js");
  if (!existsSync(worker))
    throw new RangeError(`${worker} is missing: run \`npm run build\` before this suite.`);
  const lines: string[] = [];
  for (let index = 0; index < 400; index += 1) {
    const text = Array.from(
      { length: 20 + (index % 37) },
      (_, w) => WORDS[(index * 7 + w) % WORDS.length],
    ).join(" ");
    const body = {
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: text }],
      ...(index % 5 === 0 ? {} : { max_tokens: index }),
    };
    lines.push(JSON.stringify({ custom_id: `r${index}`, method: "POST", url: CHAT, body }));
  }
  // No newline at the end: the last line still counts.
  writeFileSync(path, lines.join("\n"));
});

describe("counting a file", () => {
  test("worker threads give the same tally as counting the lines in one thread", async () => {
    const expected = tallyLines(readFileSync(path, "utf8").split("\n"), CHAT);
    expect(expected.requests).toBe(400);
    expect(await tallyFile(path, CHAT, { threads: 1 })).toEqual(expected);
    expect(await tallyFile(path, CHAT, { threads: 3, parallelMinBytes: 0 })).toEqual(expected);
  });

  test("line-aligned ranges cover the file once, each starting at a line", async () => {
    const bytes = readFileSync(path);
    const ranges = await lineAlignedRanges(path, bytes.length, 7);
    expect(ranges.length).toBe(7);
    expect(ranges[0]?.[0]).toBe(0);
    expect(ranges[ranges.length - 1]?.[1]).toBe(bytes.length);
    for (const [index, [start, end]] of ranges.entries()) {
      expect(bytes[start - 1] === undefined || bytes[start - 1] === 0x0a).toBe(true);
      expect(end).toBeGreaterThan(start);
      if (index > 0) expect(start).toBe(ranges[index - 1]?.[1]);
    }
    const parts = await Promise.all(ranges.map(([start, end]) => tallyFileRange(path, CHAT, start, end)));
    expect(parts.reduce((sum, part) => sum + part.requests, 0)).toBe(400);
  });
});

describe("a counting worker that runs out of heap", () => {
  test("hands its range to the calling thread, and the tally is the same", async () => {
    const expected = tallyLines(readFileSync(path, "utf8").split("\n"), CHAT);
    // 4 MiB cannot even hold the encoding's tables: every worker runs out.
    expect(
      await tallyFile(path, CHAT, { threads: 2, parallelMinBytes: 0, workerOldGenerationMib: 4 }),
    ).toEqual(expected);
  });
});
