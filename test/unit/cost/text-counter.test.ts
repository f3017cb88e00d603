/**
 * The text counter's own decisions, read from the merge work it reports: a pre-token that is a
 * token is counted without merging, a merged count is kept for the next time the same short
 * pre-token comes (up to 10,000 of them, the oldest let go first), and a pre-token's UTF-8 bytes
 * are those the merge needs, however long it is; one of more than two windows is merged in windows.
 */
import { describe, expect, test } from "vitest";
import { BytePairMerger, type MergeWork } from "../../../provider/cost/bpe/byte-pair-merge";
import { rankTable } from "../../../provider/cost/bpe/rank-table";
import { BpeTextCounter } from "../../../provider/cost/bpe/text-counter";
import { WINDOW_BYTES, WindowedMerger } from "../../../provider/cost/bpe/windowed-merge";

const TABLE = rankTable("cl100k_base");

function noWork(): MergeWork {
  return { lookups: 0, pairsTaken: 0, queueReads: 0 };
}

/** The count of one text and the merge work it took. */
function counted(counter: BpeTextCounter, text: string): { tokens: number; lookups: number } {
  const work = noWork();
  const tokens = counter.count(text, work);
  return { tokens, lookups: work.lookups };
}

/** The n-th of a run of distinct words of 8 letters and a leading space, none of them a token. */
function word(n: number): string {
  let letters = "";
  for (let rest = n, at = 0; at < 6; at += 1, rest = Math.floor(rest / 26)) {
    letters += String.fromCharCode(0x61 + (rest % 26));
  }
  return ` zq${letters}`;
}

describe("a pre-token that is a token", () => {
  test.each([
    ["ASCII", " hello"],
    ["not ASCII, found by its text", " café"],
    ["as long as the longest token (128 spaces)", " ".repeat(TABLE.longestTokenBytes)],
  ])("%s counts 1 with no merge", (_, text) => {
    expect(TABLE.byBytes.has(text) || TABLE.byText.has(text)).toBe(true);
    expect(counted(new BpeTextCounter(TABLE), text)).toEqual({ tokens: 1, lookups: 0 });
  });
});

describe("the counts kept", () => {
  test("a short pre-token is merged once, and its count is kept for the next time", () => {
    const counter = new BpeTextCounter(TABLE);
    for (const text of [" zqxjvwk", " cafézq", ` zqxjvwk${"a".repeat(56)}`]) {
      const first = counted(counter, text);
      expect(first.lookups).toBeGreaterThan(0);
      expect(counted(counter, text)).toEqual({ tokens: first.tokens, lookups: 0 });
    }
  });

  test("one of more than 64 characters is merged again each time", () => {
    const counter = new BpeTextCounter(TABLE);
    const text = ` zqxjvwk${"a".repeat(57)}`;
    expect(text.length).toBe(65);
    const first = counted(counter, text);
    expect(counted(counter, text)).toEqual(first);
    expect(first.lookups).toBeGreaterThan(0);
  });

  test("10,000 are kept: the 10,001st lets the oldest go, and only it", () => {
    const counter = new BpeTextCounter(TABLE);
    for (let n = 0; n <= 10_000; n += 1) {
      expect(counted(counter, word(n)).lookups).toBeGreaterThan(0);
    }
    // The second one in is still kept; the first was let go and is merged again.
    expect(counted(counter, word(1)).lookups).toBe(0);
    expect(counted(counter, word(10_000)).lookups).toBe(0);
    expect(counted(counter, word(0)).lookups).toBeGreaterThan(0);
  });

  test("with exactly 10,000 kept, none is let go, and a count not kept takes no place", () => {
    const counter = new BpeTextCounter(TABLE);
    for (let n = 0; n < 10_000; n += 1) counted(counter, word(n));
    counted(counter, ` zqxjvwk${"a".repeat(57)}`);
    expect(counted(counter, word(0)).lookups).toBe(0);
  });
});

describe("the bytes of a pre-token that is not ASCII", () => {
  const merger = new BytePairMerger(TABLE);
  const reference = (text: string) => merger.count(Buffer.from(text, "utf8").toString("latin1"));

  test.each([
    ["2-byte letters, beyond the first buffer", `${"é".repeat(200)}`],
    ["3-byte letters", "中".repeat(400)],
    ["4-byte emoji", "😀".repeat(150)],
    ["one past a megabyte, then a short one", "ж".repeat(600_000)],
  ])("%s: the merge of its UTF-8 bytes", (_, text) => {
    const counter = new BpeTextCounter(TABLE);
    expect(counter.count(text)).toBe(reference(text));
    // After any length the buffer serves a short piece again.
    expect(counter.count(" naïveté")).toBe(reference(" naïveté"));
  });
});

describe("which merge counts a long pre-token", () => {
  /** The merge work of the whole merge and of the windowed one on the same bytes. */
  function works(bytes: string): { whole: number; windowed: number } {
    const whole = noWork();
    const windowed = noWork();
    new BytePairMerger(TABLE).count(bytes, { work: whole });
    new WindowedMerger(TABLE, new BytePairMerger(TABLE)).count(bytes, windowed);
    return { whole: whole.lookups, windowed: windowed.lookups };
  }

  test("two windows of bytes (131,072) or fewer: the whole merge", () => {
    const text = "ж".repeat(WINDOW_BYTES);
    const bytes = Buffer.from(text, "utf8").toString("latin1");
    expect(bytes.length).toBe(2 * WINDOW_BYTES);
    const { whole, windowed } = works(bytes);
    expect(windowed).not.toBe(whole);
    expect(counted(new BpeTextCounter(TABLE), text).lookups).toBe(whole);
  });

  test("more than two windows of bytes: the windowed merge", () => {
    const text = "ж".repeat(WINDOW_BYTES + 1);
    const { whole, windowed } = works(Buffer.from(text, "utf8").toString("latin1"));
    expect(windowed).not.toBe(whole);
    expect(counted(new BpeTextCounter(TABLE), text).lookups).toBe(windowed);
  });
});
