/**
 * The bound the BatchSet bench section puts on the look-up pages of `pulumi up`: the i-th create
 * (from 0) lists at most i batches, 100 a page, and always reads one page.
 */
import { expect, test } from "vitest";
import { lookupPagesAtMost } from "../../bench/sections/set-scale";

test("one page per create up to 100 batches, then one more per 100 already made", () => {
  expect(lookupPagesAtMost(1)).toBe(1);
  expect(lookupPagesAtMost(20)).toBe(20);
  expect(lookupPagesAtMost(101)).toBe(101);
  expect(lookupPagesAtMost(102)).toBe(103);
  expect(lookupPagesAtMost(200)).toBe(299);
  expect(lookupPagesAtMost(201)).toBe(301);
});
