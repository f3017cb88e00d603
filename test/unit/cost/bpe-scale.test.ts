/**
 * The bpe counting at full scale: pre-tokens of 300,000 bytes merged in the counter's own windows
 * of 64 KiB, the work of a 1 MiB word, runs of up to 300,000 characters pre-tokenized, and a word
 * of six million letters, more than the encodings' patterns can match. Each takes a second or
 * more, and minutes under Stryker's instrumentation, so `npm run mutation` leaves this file out;
 * bpe.test.ts and pre-tokenizer.test.ts check the same logic on short texts (windows of 256 bytes,
 * runs of up to 3,000 characters).
 */
import { describe, expect, test } from "vitest";
import { BytePairMerger, type MergeWork } from "../../../provider/cost/bpe/byte-pair-merge";
import { rankTable } from "../../../provider/cost/bpe/rank-table";
import { BpeTextCounter } from "../../../provider/cost/bpe/text-counter";
import { WindowedMerger } from "../../../provider/cost/bpe/windowed-merge";
import type { EncodingName } from "../../../provider/cost/encodings";
import { textCounter } from "../../../provider/cost/tokenizer";
import { bounds, type Encoding, POOL, patternBounds, seeded } from "./support/pre-tokens";

const ENCODINGS: EncodingName[] = ["o200k_base", "cl100k_base"];

describe.each(ENCODINGS)("%s: a long pre-token merged in windows", (encoding) => {
  const table = rankTable(encoding);
  const random = seeded(encoding === "o200k_base" ? 5 : 9);
  const of = (alphabet: string, length: number) =>
    Array.from({ length }, () => alphabet[random(alphabet.length)]).join("");
  const latin1 = (text: string) => Buffer.from(text, "utf8").toString("latin1");
  const words: [string, string][] = [
    ["letters", of("abcdefghijklmnopqrstuvwxyz", 300_000)],
    ["DNA", of("ACGT", 300_000)],
    ["CJK", latin1(of("的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年東京設定", 100_000))],
    ["base64", of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 300_000)],
    ["bytes", Array.from({ length: 300_000 }, () => String.fromCharCode(random(256))).join("")],
    ["one letter", "a".repeat(300_000)],
    ["spaces", " ".repeat(300_000)],
    ["a period of 10", "abcdefghij".repeat(30_000)],
    ["runs of a", Array.from({ length: 20_000 }, () => `${"a".repeat(1 + random(30))}b`).join("")],
  ];

  test.each(words)("%s: the same count as merging it whole, every cut checked and kept", (_label, word) => {
    const windowed = new WindowedMerger(table, new BytePairMerger(table));
    expect(windowed.count(word)).toBe(new BytePairMerger(table).count(word));
    expect(windowed.refusedCuts).toBe(0);
  });
});

describe("the work of a 1 MiB word", () => {
  test.each<[string, string]>([
    ["letters", "abcdefghijklmnopqrstuvwxyz"],
    ["DNA", "ACGT"],
  ])("%s: at most two look-ups a byte beyond the first, and each pair taken once", (_label, alphabet) => {
    const random = seeded(17);
    const size = 1024 * 1024;
    const word = Array.from({ length: size }, () => alphabet[random(alphabet.length)]).join("");
    const work: MergeWork = { lookups: 0, pairsTaken: 0, queueReads: 0 };
    const tokens = new BpeTextCounter(rankTable("o200k_base")).count(word, work);
    const merges = size - tokens;
    // The first look-up of every adjacent pair of bytes, then two per merge: linear, not quadratic.
    expect(work.lookups).toBeLessThanOrEqual(size + 2 * merges + 2 * 64 * 1024);
    // Every pair taken from a bucket is merged or was dropped by a merge: at most one a byte.
    expect(work.pairsTaken).toBeLessThanOrEqual(size + merges);
    // The heap holds ranks, not pairs: its moves are bounded by the ranks met, not by the length.
    expect(work.queueReads).toBeLessThanOrEqual(size);
  });
});

describe.each<Encoding>(["o200k_base", "cl100k_base"])(
  "%s: the scan cuts where the pattern cuts",
  (encoding) => {
    test("on runs of up to 300,000 characters of two or three kinds", () => {
      const random = seeded(encoding === "o200k_base" ? 5 : 6);
      for (let index = 0; index < 60; index += 1) {
        const kinds = [POOL[random(POOL.length)]!, POOL[random(POOL.length)]!, POOL[random(POOL.length)]!];
        const length = 1000 + random(300_000);
        let text = "";
        while (text.length < length) {
          const draw = random(100);
          text += draw < 90 ? kinds[0] : draw < 97 ? kinds[1] : kinds[2];
        }
        expect(bounds(text, encoding).join(), JSON.stringify(kinds)).toBe(
          patternBounds(text, encoding).join(),
        );
      }
    });
  },
);

describe("a word of six million Cyrillic letters (a string the API takes)", () => {
  const word = "ж".repeat(6_000_000);

  test("is more than the pattern can match: V8's backtracking stack overflows", () => {
    expect(() => patternBounds(word, "o200k_base")).toThrow(RangeError);
  });

  test.each<Encoding>(["o200k_base", "cl100k_base"])("%s: is one pre-token, and is counted", (encoding) => {
    expect(bounds(word, encoding)).toEqual([0, word.length]);
    expect(textCounter(encoding)(word)).toBeGreaterThan(0);
  });
});

describe.each(ENCODINGS)("%s: every token", (encoding) => {
  // The counter counts a pre-token that is a token as one without merging it; merging its bytes
  // gives that one token too, for each of the encoding's tokens.
  test("merges from its bytes into one token", () => {
    const table = rankTable(encoding);
    const merger = new BytePairMerger(table);
    const notOne = [...table.byBytes.keys()].filter((bytes) => merger.count(bytes) !== 1);
    expect(notOne).toEqual([]);
    expect(table.byBytes.size).toBeGreaterThan(100_000);
  });
});
