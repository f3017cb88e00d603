import { describe, expect, test } from "vitest";
import { boundaryShapeOf, DEFAULT_BOUNDS } from "../../../provider/set/bounds";
import { hashBytes, hashText } from "../../../provider/set/line-hash";

describe("boundaryShapeOf: minimums an eighth of each bound, targets a quarter", () => {
  test("the API's bounds, with tokens and embedding inputs", () => {
    expect(DEFAULT_BOUNDS).toEqual({ maxRequests: 50_000, maxBytes: 209_715_200 });
    expect(boundaryShapeOf({ ...DEFAULT_BOUNDS, maxTokens: 1_000_001, maxInputs: 50_000 })).toEqual({
      minRequests: 6_250,
      minBytes: 26_214_400,
      minTokens: 125_000,
      minInputs: 6_250,
      targetRequests: 12_500,
      targetBytes: 52_428_800,
      targetTokens: 250_000.25,
      targetInputs: 12_500,
    });
  });

  test("no token or input bound: those never end a shard", () => {
    expect(boundaryShapeOf({ maxRequests: 20, maxBytes: 1_001 })).toEqual({
      minRequests: 2,
      minBytes: 125,
      minTokens: Number.POSITIVE_INFINITY,
      minInputs: Number.POSITIVE_INFINITY,
      targetRequests: 5,
      targetBytes: 250.25,
      targetTokens: Number.POSITIVE_INFINITY,
      targetInputs: Number.POSITIVE_INFINITY,
    });
  });

  test("tiny bounds: never below 1", () => {
    expect(boundaryShapeOf({ maxRequests: 3, maxBytes: 2, maxTokens: 1, maxInputs: 0 })).toEqual({
      minRequests: 1,
      minBytes: 1,
      minTokens: 1,
      minInputs: 1,
      targetRequests: 1,
      targetBytes: 1,
      targetTokens: 1,
      targetInputs: 1,
    });
  });
});

describe("the line hash never changes (it places every boundary)", () => {
  // Computed apart from the package (FNV-1a, then MurmurHash3's 32-bit finalizer).
  test.each([
    ["", 2_872_998_923],
    ["a", 444_641_715],
    ["req-1", 1_216_658_960],
    ["é-€", 1_349_854_093],
    ["custom_id", 3_716_640_970],
  ])("hashText(%j) is %i", (text, hash) => {
    expect(hashText(text)).toBe(hash);
  });

  test("a range of bytes hashes as those bytes alone", () => {
    expect(hashBytes(Buffer.from("xxreq-1yy"), 2, 7)).toBe(1_216_658_960);
  });
});
