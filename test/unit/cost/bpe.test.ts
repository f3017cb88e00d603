/**
 * The package's byte-pair merge against gpt-tokenizer (whose rank tables and pre-tokenizer it
 * uses), on a broad corpus; the windowed merge of pre-tokens against the merge of the whole, at a
 * small window; and the check of a window's cut against the truth. The same at the counter's own
 * window, and the work of a megabyte-long word, are in bpe-scale.test.ts.
 */
import * as cl100k from "gpt-tokenizer/encoding/cl100k_base";
import * as o200k from "gpt-tokenizer/encoding/o200k_base";
import { describe, expect, test } from "vitest";
import { BytePairMerger, type MergeLog } from "../../../provider/cost/bpe/byte-pair-merge";
import { buildRankTable, type RankTable, rankTable } from "../../../provider/cost/bpe/rank-table";
import { BpeTextCounter } from "../../../provider/cost/bpe/text-counter";
import {
  ascending,
  cutHolds,
  cutHoldsByEvents,
  cutHoldsByReplay,
  restricted,
  WindowedMerger,
} from "../../../provider/cost/bpe/windowed-merge";
import type { EncodingName } from "../../../provider/cost/encodings";
import { seeded } from "./support/pre-tokens";

const ENCODINGS: EncodingName[] = ["o200k_base", "cl100k_base"];

/**
 * Under `npm run mutation` (vitest.mutation.config.mts sets the variable), where every mutant of
 * the merge runs these tests again, the random corpora are a fifth or a sixth as large: the same
 * generators and checks, on their first texts. `npm test` runs them whole.
 */
const SMALL = process.env.PULUMI_OPENAI_BATCH_MUTATION === "1";
const RANDOM_TEXTS = SMALL ? 500 : 3000;
const VOCABULARIES = SMALL ? 60 : 300;
const CUT_WORDS = SMALL ? 150 : 600;
const REFERENCE = { o200k_base: o200k, cl100k_base: cl100k };
const AS_PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

const FIXED_TEXTS = [
  "Summarise the customer's ticket in one sentence, please. They'll say it's fine; we'd disagree.",
  "function f(x) {\n\treturn x  +  1;   \n}\n\n\n    // done\r\n\tconst y = [1, 2, 3].map((n) => n ** 2);",
  "東京の天気は晴れです。今日는 날씨가 좋네요. 北京欢迎你。ありがとうございました",
  "🎉👩‍👩‍👧‍👦🏳️‍🌈🇫🇷 ok 👍🏽 — ça va ? Ærøskøbing, Straße, naïve café",
  "مرحبا بالعالم — שלום עולם — Привет, мир — नमस्ते दुनिया — สวัสดีชาวโลก",
  "before <|endoftext|> after <|im_start|>system<|im_sep|> and <|fim_prefix|>",
  "3.14159265358979 1234567890123 0x1F 1e-10 ١٢٣ ½ ⅔",
  `${" ".repeat(300)}x${"\n".repeat(200)}y${"\t ".repeat(150)}z   \n  \n `,
  `${"=".repeat(500)} ${"-".repeat(257)} ${"!?".repeat(100)} ${"////".repeat(40)}`,
  "ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz AbCdEfGhIjKlMnOpQrStUvWxYz 'S 'T 'RE 'Ve",
  "a\u0301e\u0301o\u0308 \u0915\u094d\u0937 \u200d\u200c \ud800 lone \udc00 surrogates",
];

const PIECES = [
  "the",
  " quick",
  " brown",
  " fox",
  "'s",
  "\n",
  "  ",
  "\t",
  "1",
  "234",
  "!",
  "?!",
  ".",
  ",",
  "é",
  "ü",
  "中",
  "文字",
  "日本語",
  "한국어",
  "😀",
  "👍🏽",
  "🇫🇷",
  "\u0301",
  "<|endoftext|>",
  "ß",
  "Ω",
  "жизнь",
  "\r\n",
  "...",
  "—",
  "ABC",
  "https://example.com/a?b=1&c=2",
  "αβγ",
  "ﬁ",
  "\u00a0",
  "\u3000",
  "١٢٣",
  "🙂🙃",
];

/** Random texts of pieces, of Unicode code points, and of bytes read as latin1. */
function randomTexts(count: number, seed: number): string[] {
  const random = seeded(seed);
  const texts: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const length = random(80);
    let text = "";
    for (let at = 0; at < length; at += 1) {
      switch (index % 3) {
        case 0:
          text += PIECES[random(PIECES.length)];
          break;
        case 1: {
          const kind = random(3);
          const point = kind === 0 ? random(0x3000) : kind === 1 ? 0x20 + random(95) : random(0x110000);
          text += String.fromCodePoint(point);
          break;
        }
        default:
          text += String.fromCharCode(random(256));
      }
    }
    texts.push(text);
  }
  return texts;
}

/** Words without a break of a few thousand characters: what the reference's quadratic merge still counts quickly. */
function longWords(seed: number): string[] {
  const random = seeded(seed);
  const of = (alphabet: string, length: number) =>
    Array.from({ length }, () => alphabet[random(alphabet.length)]).join("");
  return [
    of("abcdefghijklmnopqrstuvwxyz", 3000),
    of("ACGT", 3000),
    of("的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年", 1000),
    of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 2000),
    "a".repeat(2000),
    "ab".repeat(1000),
    "1".repeat(2000),
    " ".repeat(2000),
  ];
}

describe.each(ENCODINGS)("%s: the counter gives gpt-tokenizer's counts", (encoding) => {
  const counter = new BpeTextCounter(rankTable(encoding));
  const reference = (text: string) => REFERENCE[encoding].countTokens(text, AS_PLAIN_TEXT);

  test.each(FIXED_TEXTS.map((text) => [text.slice(0, 40), text]))("%j", (_label, text) => {
    expect(counter.count(text)).toBe(reference(text));
  });

  test(`on ${RANDOM_TEXTS} random texts of words, scripts, emoji, whitespace, code points and bytes`, () => {
    const mismatches = randomTexts(RANDOM_TEXTS, encoding === "o200k_base" ? 7 : 11).filter(
      (text) => counter.count(text) !== reference(text),
    );
    expect(mismatches).toEqual([]);
  });

  test("on long words of letters, DNA, CJK, base64, and runs of one character", () => {
    for (const word of longWords(3)) {
      expect(counter.count(word), word.slice(0, 20)).toBe(reference(word));
    }
  });
});

/**
 * tiktoken's reference merge, as published (a list of parts and their pair ranks, scanned for the
 * lowest, leftmost on a tie, at every step), over bytes given as latin1 characters.
 */
function referenceMerge(bytes: string, rankOf: (bytes: string) => number | undefined): number[] {
  const none = Number.POSITIVE_INFINITY;
  const pairRank = (parts: number[][], at: number) =>
    at + 2 < parts.length ? (rankOf(bytes.slice(parts[at]![0], parts[at + 2]![0])) ?? none) : none;
  const parts = Array.from({ length: bytes.length + 1 }, (_, at) => [at, none]);
  for (let at = 0; at + 1 < bytes.length; at += 1) parts[at]![1] = pairRank(parts, at);
  for (;;) {
    let lowest = none;
    let at = -1;
    for (let index = 0; index + 1 < parts.length; index += 1) {
      if (parts[index]![1]! < lowest) {
        lowest = parts[index]![1]!;
        at = index;
      }
    }
    if (at < 0) break;
    parts.splice(at + 1, 1);
    parts[at]![1] = pairRank(parts, at);
    if (at > 0) parts[at - 1]![1] = pairRank(parts, at - 1);
  }
  return parts.slice(0, -1).map(([start]) => start!);
}

describe("the merge is tiktoken's reference merge", () => {
  // In the real encodings no merge has been seen to make a pair of lower rank than its own (the
  // case where the lower rank must be merged first); vocabularies drawn at random make it common.
  test(`on ${VOCABULARIES} random vocabularies over a and b, whose merges often make pairs of lower rank: the same tokens`, () => {
    const random = seeded(21);
    let checked = 0;
    for (let vocabulary = 0; vocabulary < VOCABULARIES; vocabulary += 1) {
      const ranks: (string | number[])[] = Array.from({ length: 256 }, (_, byte) => [byte]);
      const words = new Set<string>();
      while (words.size < 16) {
        words.add(Array.from({ length: 2 + random(3) }, () => "ab"[random(2)]).join(""));
      }
      for (const word of words) ranks[256 + random(400)] ??= word;
      const table = buildRankTable(ranks, "o200k_base");
      const merger = new BytePairMerger(table);
      for (let text = 0; text < 40; text += 1) {
        const bytes = Array.from({ length: 2 + random(30) }, () => "ab"[random(2)]).join("");
        const tokens = merger.count(bytes);
        const starts = Array.from({ length: bytes.length }, (_, at) => at).filter(
          (at) => merger.partsIn(at, at + 1) === 1,
        );
        expect(starts.length).toBe(tokens);
        expect(starts, `${JSON.stringify([...words])} on ${bytes}`).toEqual(
          referenceMerge(bytes, (key) => table.byBytes.get(key)),
        );
        checked += 1;
      }
    }
    expect(checked).toBe(VOCABULARIES * 40);
  });
});

describe.each(ENCODINGS)("%s: a pre-token merged in windows of 256 bytes", (encoding) => {
  // The counter's windows are 64 KiB (bpe-scale.test.ts merges words of 300,000 bytes in them);
  // the same cuts and checks at 256 bytes with a margin of the longest token (128 bytes) cut
  // words of a few thousand bytes a dozen times each.
  const table = rankTable(encoding);
  const random = seeded(encoding === "o200k_base" ? 5 : 9);
  const of = (alphabet: string, length: number) =>
    Array.from({ length }, () => alphabet[random(alphabet.length)]).join("");
  const latin1 = (text: string) => Buffer.from(text, "utf8").toString("latin1");
  const words: [string, string][] = [
    ["letters", of("abcdefghijklmnopqrstuvwxyz", 3000)],
    ["DNA", of("ACGT", 3000)],
    ["CJK", latin1(of("的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年東京設定", 1000))],
    ["base64", of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 3000)],
    ["bytes", Array.from({ length: 3000 }, () => String.fromCharCode(random(256))).join("")],
    ["one letter", "a".repeat(3000)],
    ["spaces", " ".repeat(3000)],
    ["a period of 10", "abcdefghij".repeat(300)],
    ["runs of a", Array.from({ length: 200 }, () => `${"a".repeat(1 + random(30))}b`).join("")],
  ];
  const window = { bytes: 256, margin: 128 };

  test.each(words)("%s: the same count as merging it whole, every cut checked and kept", (_label, word) => {
    const windowed = new WindowedMerger(table, new BytePairMerger(table), window);
    expect(windowed.count(word)).toBe(new BytePairMerger(table).count(word));
    expect(windowed.refusedCuts).toBe(0);
  });
});

describe("the check of a cut", () => {
  /** For each cut of each word: whether it holds, and whether merging the whole leaves a boundary there. */
  function cuts(
    table: RankTable,
    words: string[],
    check: typeof cutHolds,
  ): { held: number; refused: number } {
    const merger = new BytePairMerger(table);
    let held = 0;
    let refused = 0;
    for (const word of words) {
      merger.count(word);
      const boundaries = Array.from({ length: word.length }, (_, at) => merger.partsIn(at, at + 1) === 1);
      for (let cut = 1; cut < word.length; cut += 1) {
        const left = restricted(logOf(merger, word.slice(0, cut)), 0, cut);
        const right = restricted(logOf(merger, word.slice(cut)), cut, word.length);
        const holds = check(table, word, cut, left, right);
        expect(holds, `${JSON.stringify(word)} cut at ${cut}`).toBe(boundaries[cut]);
        if (holds) held += 1;
        else refused += 1;
      }
    }
    return { held, refused };
  }

  test("holds exactly where merging the whole leaves a part boundary (o200k_base)", () => {
    const table = rankTable("o200k_base");
    const random = seeded(13);
    const alphabets = ["ab", "abcdefghijklmnopqrstuvwxyz", "ACGT", "a", "xyz0", " ="];
    const words = Array.from({ length: CUT_WORDS }, (_, index) => {
      const alphabet = alphabets[index % alphabets.length]!;
      return index % 4 === 3
        ? Buffer.from(
            Array.from({ length: 4 + random(12) }, () => String.fromCodePoint(0x4e00 + random(300))).join(""),
          ).toString("latin1")
        : Array.from({ length: 4 + random(36) }, () => alphabet[random(alphabet.length)]).join("");
    });
    // The real encodings merge in ascending rank order: the check replays only the few merges
    // at the cut; the full replay gives the same answers.
    const merger = new BytePairMerger(table);
    expect(words.every((word) => ascending(logOf(merger, word)))).toBe(true);
    for (const check of [cutHolds, cutHoldsByEvents, cutHoldsByReplay]) {
      const { held, refused } = cuts(table, words, check);
      // Both answers are met many times.
      expect(held).toBeGreaterThan(CUT_WORDS);
      expect(refused).toBeGreaterThan(CUT_WORDS);
    }
  });

  test("holds exactly where merging the whole leaves a part boundary, with merges out of rank order", () => {
    const random = seeded(29);
    let unordered = 0;
    for (let vocabulary = 0; vocabulary < 40; vocabulary += 1) {
      const ranks: (string | number[])[] = Array.from({ length: 256 }, (_, byte) => [byte]);
      const words = new Set<string>();
      while (words.size < 16)
        words.add(Array.from({ length: 2 + random(3) }, () => "ab"[random(2)]).join(""));
      for (const word of words) ranks[256 + random(400)] ??= word;
      const table = buildRankTable(ranks, "o200k_base");
      const texts = Array.from({ length: 10 }, () =>
        Array.from({ length: 4 + random(20) }, () => "ab"[random(2)]).join(""),
      );
      const merger = new BytePairMerger(table);
      unordered += texts.filter((text) => !ascending(logOf(merger, text))).length;
      cuts(table, texts, cutHolds);
    }
    expect(unordered).toBeGreaterThan(20);
  });
});

function logOf(merger: BytePairMerger, bytes: string): MergeLog {
  const log: MergeLog = { ranks: new Int32Array(0), starts: new Int32Array(0), size: 0 };
  merger.count(bytes, { log });
  return log;
}
