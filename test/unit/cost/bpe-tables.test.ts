/**
 * The rank table and the pair table built from small vocabularies drawn at random, inside the
 * tests (the real encodings' tables are built once a process and shared), and the windowed merge
 * on such vocabularies, whose merges out of rank order make some cuts fail their check.
 */
import { describe, expect, test } from "vitest";
import { BytePairMerger, type MergeLog, type MergeWork } from "../../../provider/cost/bpe/byte-pair-merge";
import { buildRankTable, isAscii, PairRanks, type RankTable } from "../../../provider/cost/bpe/rank-table";
import { WindowedMerger } from "../../../provider/cost/bpe/windowed-merge";
import { seeded } from "./support/pre-tokens";

/** The 256 bytes, then 16 words of a and b of 2 to 4 letters at random ranks up to 655. */
function randomVocabulary(random: (below: number) => number): (string | number[])[] {
  const ranks: (string | number[])[] = Array.from({ length: 256 }, (_, byte) => [byte]);
  const words = new Set<string>();
  while (words.size < 16) words.add(Array.from({ length: 2 + random(3) }, () => "ab"[random(2)]).join(""));
  for (const word of words) ranks[256 + random(400)] ??= word;
  return ranks;
}

/** The bytes of each rank, one latin1 character per byte, from the table's own map. */
function bytesByRank(table: RankTable): string[] {
  const bytes: string[] = [];
  for (const [key, rank] of table.byBytes) bytes[rank] = key;
  return bytes;
}

/**
 * tiktoken's reference merge: at every step, the adjacent pair of parts with the lowest rank, the
 * leftmost on a tie, is merged, until no pair is a token; the count of parts left.
 */
function referenceCount(bytes: string, table: RankTable): number {
  const parts = [...bytes];
  for (;;) {
    let lowest = Number.POSITIVE_INFINITY;
    let at = -1;
    for (let index = 0; index + 1 < parts.length; index += 1) {
      const rank = table.byBytes.get(parts[index]! + parts[index + 1]!);
      if (rank !== undefined && rank < lowest) {
        lowest = rank;
        at = index;
      }
    }
    if (at < 0) return parts.length;
    parts.splice(at, 2, parts[at]! + parts[at + 1]!);
  }
}

describe("a rank table", () => {
  test("holds every token by its bytes, its length, the longest, and the ranks of single bytes and pairs", () => {
    const ranks: (string | number[])[] = [[0x61], [0x62], [0xc3, 0xa9], "ab", "é", "aé", [0xff, 0xfe, 0xfd]];
    const table = buildRankTable(ranks, "cl100k_base");
    expect(table.encoding).toBe("cl100k_base");
    expect([...table.byBytes]).toEqual([
      ["a", 0],
      ["b", 1],
      ["\u00c3\u00a9", 4],
      ["ab", 3],
      ["a\u00c3\u00a9", 5],
      ["\u00ff\u00fe\u00fd", 6],
    ]);
    expect([...table.byText]).toEqual([
      ["é", 4],
      ["aé", 5],
    ]);
    expect([...table.tokenBytes]).toEqual([1, 1, 2, 2, 2, 3, 3]);
    expect(table.longestTokenBytes).toBe(3);
    expect(table.byteRank[0x61]).toBe(0);
    expect(table.byteRank[0x62]).toBe(1);
    expect(table.byteRank[0x63]).toBe(-1);
    expect(table.bytePairRank[(0x61 << 8) | 0x62]).toBe(3);
    expect(table.bytePairRank[(0xc3 << 8) | 0xa9]).toBe(4);
    expect(table.bytePairRank[(0x62 << 8) | 0x61]).toBe(-1);
    expect([...table.byteRank].filter((rank) => rank >= 0)).toHaveLength(2);
    expect([...table.bytePairRank].filter((rank) => rank >= 0)).toHaveLength(2);
  });

  test("the longest token may be ASCII, UTF-8 text or raw bytes", () => {
    expect(buildRankTable([[0x61], "abcd", "é"], "o200k_base").longestTokenBytes).toBe(4);
    expect(buildRankTable([[0x61], "ab", "€€"], "o200k_base").longestTokenBytes).toBe(6);
    expect(buildRankTable([[0x61], "ab", [1, 2, 3, 4, 5]], "o200k_base").longestTokenBytes).toBe(5);
  });

  test("ASCII is the characters up to 0x7f", () => {
    expect(isAscii("")).toBe(true);
    expect(isAscii("\u007f ~ az")).toBe(true);
    expect(isAscii("abc\u0080")).toBe(false);
    expect(isAscii("\u00e9abc")).toBe(false);
  });
});

describe("the pair table", () => {
  test("on 10 random vocabularies: every pair of tokens gives the token their bytes make, or none", () => {
    const random = seeded(31);
    const wrong: string[] = [];
    let found = 0;
    for (let vocabulary = 0; vocabulary < 10; vocabulary += 1) {
      const table = buildRankTable(randomVocabulary(random), "o200k_base");
      const pairs = new PairRanks(table);
      const bytes = bytesByRank(table);
      const ranks = Object.keys(bytes).map(Number);
      for (const left of ranks) {
        for (const right of ranks) {
          const expected = table.byBytes.get(bytes[left]! + bytes[right]!);
          const given = pairs.get(left, right);
          if (given !== expected) wrong.push(`${left} + ${right}: ${given}, not ${expected}`);
          if (expected !== undefined) {
            if (!pairs.mayHave(left, right)) wrong.push(`${left} + ${right}: filtered out`);
            found += 1;
          }
        }
      }
    }
    expect(wrong).toEqual([]);
    // Each vocabulary's words are pairs of tokens in one way or more.
    expect(found).toBeGreaterThan(10 * 16);
  });

  test("a left rank with many pairs is searched through all of them", () => {
    // "a" followed by each of 200 bytes, then "a" + "a?" for each: rank "a" has 400 pairs.
    const ranks: (string | number[])[] = Array.from({ length: 256 }, (_, byte) => [byte]);
    for (let byte = 0; byte < 200; byte += 1) ranks.push([0x61, byte]);
    for (let byte = 0; byte < 200; byte += 1) ranks.push([0x61, 0x61, byte]);
    const table = buildRankTable(ranks, "o200k_base");
    const pairs = new PairRanks(table);
    for (let byte = 0; byte < 256; byte += 1) {
      expect(pairs.get(0x61, byte)).toBe(byte < 200 ? 256 + byte : undefined);
      expect(pairs.get(256 + 0x61, byte)).toBe(byte < 200 ? 456 + byte : undefined);
      expect(pairs.get(0x62, byte)).toBeUndefined();
    }
  });
});

describe("the windowed merge on random vocabularies, at windows of 8 bytes", () => {
  test("gives the count of the whole merge, also where a cut does not hold", () => {
    const random = seeded(37);
    let refused = 0;
    let counted = 0;
    for (let vocabulary = 0; vocabulary < 30; vocabulary += 1) {
      const table = buildRankTable(randomVocabulary(random), "o200k_base");
      for (let text = 0; text < 10; text += 1) {
        const bytes = Array.from({ length: 9 + random(60) }, () => "ab"[random(2)]).join("");
        const windowed = new WindowedMerger(table, new BytePairMerger(table), { bytes: 8, margin: 4 });
        expect(windowed.count(bytes), bytes).toBe(new BytePairMerger(table).count(bytes));
        refused += windowed.refusedCuts;
        counted += 1;
      }
    }
    expect(counted).toBe(300);
    // The merges out of rank order of these vocabularies make cuts fail their check.
    expect(refused).toBeGreaterThan(10);
  });

  test("words of 300 to 600 bytes, merged whole with the pair table, give the tiktoken reference's count", () => {
    const random = seeded(41);
    for (let vocabulary = 0; vocabulary < 8; vocabulary += 1) {
      const table = buildRankTable(randomVocabulary(random), "o200k_base");
      const merger = new BytePairMerger(table);
      for (let text = 0; text < 3; text += 1) {
        const bytes = Array.from({ length: 300 + random(300) }, () => "ab"[random(2)]).join("");
        expect(merger.count(bytes), bytes).toBe(referenceCount(bytes, table));
      }
    }
  });
});

describe("the merge of abab with the tokens ab (rank 256) and abab (rank 257)", () => {
  const ranks: (string | number[])[] = [...Array.from({ length: 256 }, (_, byte) => [byte]), "ab", "abab"];
  const table = buildRankTable(ranks, "o200k_base");

  test("makes one token in two steps, and reports each merge and the work it took", () => {
    const work: MergeWork = { lookups: 10, pairsTaken: 20, queueReads: 30 };
    const log: MergeLog = { ranks: new Int32Array(0), starts: new Int32Array(0), size: 5 };
    const merger = new BytePairMerger(table);
    expect(merger.count("abab", { work, log })).toBe(1);
    expect([...log.ranks.subarray(0, log.size)]).toEqual([256, 256, 257]);
    expect([...log.starts.subarray(0, log.size)]).toEqual([0, 2, 0]);
    // Looked up: the 3 pairs of bytes, then "ab" + "a" after the first merge (no pair before
    // it), and "ab" + "ab" before the second (no pair after it). Taken: the two pairs of rank
    // 256, then the one of 257. Read: the queue's one word (ranks 256 to 287) for 256, for 257,
    // and once more to find it empty. Each is added to what `work` held.
    expect(work).toEqual({ lookups: 10 + 5, pairsTaken: 20 + 3, queueReads: 30 + 3 });
    expect(merger.partsIn(0, 4)).toBe(1);
    expect(merger.partStartAt(3)).toBe(0);
  });

  test("counts a pre-token of 0 or 1 bytes as that many tokens, with an empty log", () => {
    const log: MergeLog = { ranks: new Int32Array(0), starts: new Int32Array(0), size: 3 };
    const merger = new BytePairMerger(table);
    expect(merger.count("", { log })).toBe(0);
    expect(log.size).toBe(0);
    expect(merger.count("a")).toBe(1);
    expect(merger.count("ba")).toBe(2);
    expect(merger.count("ababab")).toBe(2);
    expect(merger.count("abababab")).toBe(2);
  });
});
