import { describe, expect, test } from "vitest";
import type { ShardBounds } from "../../../provider/set/bounds";
import { Chunker, type ChunkLine, shardSizes } from "../../../provider/set/chunker";

/** A hash that never makes a natural boundary, unless the line alone fills a target. */
const NEVER = 2 ** 32 - 1;
/** A hash that always does, once the shard holds its minimum. */
const ALWAYS = 0;
const lines = (count: number, line: Partial<ChunkLine>): ChunkLine[] =>
  Array.from({ length: count }, () => ({ bytes: 1, tokens: 0, hash: NEVER, ...line }));
const WIDE = { maxRequests: 1_000_000, maxBytes: 1_000_000_000 };

describe("a bound cuts a shard before the line that would take it over, not at the bound", () => {
  test.each([
    ["requests", { maxRequests: 8, maxBytes: 1_000 }, lines(20, { bytes: 10 }), [8, 8, 4]],
    ["bytes", { ...WIDE, maxBytes: 100 }, lines(11, { bytes: 20 }), [5, 5, 1]],
    ["tokens", { ...WIDE, maxTokens: 10 }, lines(7, { tokens: 2 }), [5, 2]],
    ["embedding inputs", { ...WIDE, maxInputs: 6 }, lines(8, { inputs: 1 }), [6, 2]],
    ["embedding inputs of lines without any", { ...WIDE, maxInputs: 6 }, lines(5, {}), [5]],
  ] as [string, ShardBounds, ChunkLine[], number[]][])("%s", (_name, bounds, sequence, sizes) => {
    expect(shardSizes(sequence, bounds)).toEqual(sizes);
  });
});

describe("a natural boundary falls only past a shard's minimum", () => {
  test.each([
    [
      "requests (an eighth of 16)",
      { maxRequests: 16, maxBytes: 1_000_000 },
      lines(6, { hash: ALWAYS }),
      [2, 2, 2],
    ],
    ["bytes (an eighth of 80)", { ...WIDE, maxBytes: 80 }, lines(4, { hash: ALWAYS, bytes: 5 }), [2, 2]],
    ["tokens (an eighth of 80)", { ...WIDE, maxTokens: 80 }, lines(4, { hash: ALWAYS, tokens: 5 }), [2, 2]],
    ["inputs (an eighth of 80)", { ...WIDE, maxInputs: 80 }, lines(4, { hash: ALWAYS, inputs: 5 }), [2, 2]],
  ] as [string, ShardBounds, ChunkLine[], number[]][])("%s", (_name, bounds, sequence, sizes) => {
    expect(shardSizes(sequence, bounds)).toEqual(sizes);
  });
});

describe("a line that fills a target alone always ends its shard", () => {
  test.each([
    ["a quarter of the requests", { maxRequests: 4, maxBytes: 1_000_000 }, {}, true],
    ["a quarter of the bytes", { ...WIDE, maxBytes: 400 }, { bytes: 100 }, true],
    ["a byte short of it", { ...WIDE, maxBytes: 400 }, { bytes: 99 }, false],
    ["a quarter of the tokens", { ...WIDE, maxTokens: 400 }, { tokens: 100 }, true],
    ["a token short of it", { ...WIDE, maxTokens: 400 }, { tokens: 99 }, false],
    ["a quarter of the inputs", { ...WIDE, maxInputs: 400 }, { inputs: 100 }, true],
    ["an input short of it", { ...WIDE, maxInputs: 400 }, { inputs: 99 }, false],
  ] as [string, ShardBounds, Partial<ChunkLine>, boolean][])("%s: %s", (_name, bounds, line, cut) => {
    const chunker = new Chunker(bounds);
    expect(chunker.add({ bytes: 1, tokens: 0, hash: NEVER, ...line })).toEqual({
      cutBefore: false,
      cutAfter: cut,
    });
  });

  test("the threshold is strict: a hash at the chance does not cut, one below does", () => {
    // maxRequests 8: the target is 2 lines, so the chance is one half.
    const at = new Chunker({ maxRequests: 8, maxBytes: 1_000 });
    expect(at.add({ bytes: 1, tokens: 0, hash: 2 ** 31 })).toEqual({ cutBefore: false, cutAfter: false });
    const below = new Chunker({ maxRequests: 8, maxBytes: 1_000 });
    expect(below.add({ bytes: 1, tokens: 0, hash: 2 ** 31 - 1 })).toEqual({
      cutBefore: false,
      cutAfter: true,
    });
  });

  test("after a natural boundary the next shard starts empty", () => {
    // Bytes: 60 + 60 fit in 120; a cut after the first leaves room, so no forced cut follows.
    const chunker = new Chunker({ ...WIDE, maxBytes: 120 });
    expect(chunker.add({ bytes: 60, tokens: 0, hash: NEVER })).toEqual({ cutBefore: false, cutAfter: true });
    expect(chunker.add({ bytes: 60, tokens: 0, hash: NEVER })).toEqual({ cutBefore: false, cutAfter: true });
  });
});

describe("tooLarge: a line that can never fit a shard", () => {
  const chunker = new Chunker({ maxRequests: 10, maxBytes: 100, maxTokens: 50, maxInputs: 5 });
  test.each([
    ["at every bound", { bytes: 100, tokens: 50, inputs: 5 }, undefined],
    ["no inputs", { bytes: 100, tokens: 50 }, undefined],
    ["a byte over", { bytes: 101, tokens: 0 }, "is 101 bytes, more than maxBytesPerBatch (100)"],
    [
      "a token over",
      { bytes: 1, tokens: 51 },
      "has an estimated 51 input tokens, more than maxEnqueuedTokens (50)",
    ],
    [
      "an input over",
      { bytes: 1, tokens: 0, inputs: 6 },
      "has 6 embedding inputs, more than a batch takes (5)",
    ],
  ] as [string, Omit<ChunkLine, "hash">, string | undefined][])("%s", (_name, line, reason) => {
    expect(chunker.tooLarge({ ...line, hash: 0 })).toBe(reason);
  });

  test("without token or input bounds, tokens and inputs never make a line too large", () => {
    expect(
      new Chunker({ maxRequests: 1, maxBytes: 10 }).tooLarge({
        bytes: 10,
        tokens: 1e9,
        inputs: 1e9,
        hash: 0,
      }),
    ).toBe(undefined);
  });
});
