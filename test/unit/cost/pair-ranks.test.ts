/**
 * The pair table of a vocabulary with more pairs than its first allocation holds (a million):
 * every pair is kept as the table grows, the last ones included.
 */
import { describe, expect, test } from "vitest";
import { buildRankTable, PairRanks } from "../../../provider/cost/bpe/rank-table";

/** The 256 bytes, then `a` repeated 2 to `longest` times: a token of k letters is k - 1 pairs. */
function runsOfA(longest: number): (string | number[])[] {
  const ranks: (string | number[])[] = Array.from({ length: 256 }, (_, byte) => [byte]);
  for (let length = 2; length <= longest; length += 1) ranks.push("a".repeat(length));
  return ranks;
}

describe("a pair table past its first million pairs", () => {
  const LONGEST = 1500;

  test("holds every pair of the longest tokens, the last made, and no pair that makes none", () => {
    // Built inside the test, so that a mutation test run sees which test reaches the growth.
    const table = buildRankTable(runsOfA(LONGEST), "cl100k_base");
    const pairs = new PairRanks(table);
    const rankOf = (length: number) => table.byBytes.get("a".repeat(length))!;
    // (1500 × 1499) / 2 pairs in all, over the 1,048,576 the table starts with room for.
    expect((LONGEST * (LONGEST - 1)) / 2).toBeGreaterThan(1024 * 1024);
    for (let length = LONGEST - 100; length <= LONGEST; length += 1) {
      for (let left = 1; left < length; left += 1) {
        const found = pairs.get(rankOf(left), rankOf(length - left));
        if (found !== rankOf(length)) {
          expect({ left, right: length - left, found }).toEqual({
            left,
            right: length - left,
            found: rankOf(length),
          });
        }
      }
    }
    expect(pairs.get(rankOf(LONGEST), rankOf(1))).toBeUndefined();
    expect(pairs.get(rankOf(700), rankOf(801))).toBeUndefined();
  });
});
