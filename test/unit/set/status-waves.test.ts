import { describe, expect, test } from "vitest";
import type { BatchStatus } from "../../../provider/contract";
import { leastAdvanced, sumRequestCounts } from "../../../provider/set/status";
import { planWaves } from "../../../provider/set/waves";

describe("the set's status is its least advanced child's", () => {
  test.each<[(BatchStatus | undefined)[], BatchStatus | undefined]>([
    [["completed", "completed"], "completed"],
    [["completed", "in_progress", "validating"], "validating"],
    [["completed", "finalizing"], "finalizing"],
    [["completed", "failed", "cancelled"], "failed"],
    [["expired", "completed"], "expired"],
    [["cancelling", "completed", "failed"], "cancelling"],
    [["completed", undefined], undefined],
    [[], undefined],
  ])("%j gives %s", (statuses, expected) => {
    expect(leastAdvanced(statuses)).toBe(expected);
  });
});

test("request counts add up, and are unknown while any child's is", () => {
  expect(
    sumRequestCounts([
      { total: 10, completed: 8, failed: 2 },
      { total: 5, completed: 5, failed: 0 },
    ]),
  ).toEqual({ total: 15, completed: 13, failed: 2 });
  expect(sumRequestCounts([{ total: 1, completed: 1, failed: 0 }, undefined])).toBeUndefined();
});

describe("waves under an enqueued-token limit", () => {
  test.each<[number[], number | undefined, number[]]>([
    [[5, 5, 5], undefined, [0, 0, 0]],
    [[5, 5, 5], 10, [0, 0, 1]],
    [[10, 10, 10], 10, [0, 1, 2]],
    [[3, 3, 3, 9, 1], 10, [0, 0, 0, 1, 1]],
    [[6, 5, 4, 1], 10, [0, 1, 1, 1]],
  ])("shards of %j tokens under %s run in waves %j", (tokens, limit, waves) => {
    expect(planWaves(tokens, limit)).toEqual(waves);
  });
});
