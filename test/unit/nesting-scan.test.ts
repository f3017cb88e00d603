import { describe, expect, test } from "vitest";
import { MAX_NESTING_DEPTH, nestingDeeperThan } from "../../provider/validation/jsonl/nesting";

describe("nestingDeeperThan: the column of the bracket or brace that opens one level too many", () => {
  test.each([
    ["arrays at the limit", "[[[1]]]", 3, undefined],
    ["arrays one past it", "[[[[1]]]]", 3, 4],
    ["objects at the limit", '{"a":{"b":{}}}', 3, undefined],
    ["objects one past it", '{"a":{"b":{"c":{}}}}', 3, 16],
    ["both kinds, one past it", '[{"a":[{}]}]', 3, 8],
    ["levels that close before the next opens", "[[[]],[[]],[[]]]", 3, undefined],
    ["brackets in a string", '["[[[[{{{{"]', 1, undefined],
    ["brackets after an escaped quote in a string", '["\\"[[[["]', 1, undefined],
    ["brackets after an escaped backslash, outside the string", '["\\\\",[[1]]]', 2, 8],
    ["a string never closed", '["[[[[', 1, undefined],
    ["a quote escaped in a key, then depth", '{"k\\"":[[1]]}', 2, 9],
    ["no containers", '"x"', 0, undefined],
    ["one container over none", "[]", 0, 1],
  ] as [string, string, number, number | undefined][])(
    "%s: %j with at most %i levels is %s",
    (_name, text, max, column) => {
      expect(nestingDeeperThan(text, max)).toBe(column);
    },
  );

  test("the limit is 100 levels, the line's own object being the first", () => {
    expect(MAX_NESTING_DEPTH).toBe(100);
    const nested = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;
    expect(nestingDeeperThan(nested(100))).toBeUndefined();
    expect(nestingDeeperThan(nested(101))).toBe(101);
  });
});
