/**
 * The emulator's own tokenizer pieces: the encoding of each model (from tiktoken's model table),
 * and the cuts of a long text, which change no count except in runs of over 512 characters.
 */
import { get_encoding } from "tiktoken";
import { describe, expect, test } from "vitest";
import { textCounter } from "../../provider/cost/tokenizer";
import { encodingForModel } from "../../provider/emulator/tokens/encoding";
import { forEachPiece, LONG_RUN_CHARS, PART_CHARS } from "../../provider/emulator/tokens/text-pieces";
import { countTexts } from "../../provider/emulator/tokens/tiktoken-count";

describe("the encoding of a model", () => {
  test.each([
    ["gpt-4o-mini", "o200k_base"],
    ["gpt-4o-mini-2099-01-01", "o200k_base"],
    ["gpt-4.1-nano", "o200k_base"],
    ["gpt-5", "o200k_base"],
    ["gpt-5.1-codex", "o200k_base"],
    ["o3-pro", "o200k_base"],
    ["o4-mini", "o200k_base"],
    ["ft:gpt-4o-mini-2024-07-18:acme::abc123", "o200k_base"],
    ["gpt-4", "cl100k_base"],
    ["gpt-4-turbo-2099-01-01", "cl100k_base"],
    ["gpt-3.5-turbo-0125", "cl100k_base"],
    ["ft:gpt-3.5-turbo-0125:acme::x", "cl100k_base"],
    ["text-embedding-3-small", "cl100k_base"],
    ["davinci-002", "cl100k_base"],
    ["babbage-002", "cl100k_base"],
    ["omni-moderation-latest", "o200k_base"],
    ["some-future-model", "o200k_base"],
    [undefined, "o200k_base"],
  ])("%s: %s", (model, encoding) => {
    expect(encodingForModel(model)).toBe(encoding);
  });
});

function seeded(seed: number): (below: number) => number {
  let state = seed;
  return (below) => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return (state >>> 8) % below;
  };
}

describe("a long text", () => {
  const random = seeded(31);
  const words = ["the", "ticket", "crashes", "設定", "😡", "don't", "3.14", "—", "\n", "\t", "réglages"];
  const prose = Array.from({ length: 40_000 }, () => words[random(words.length)]).join(" ");

  test("is cut in parts only before a single space between words, which changes no count", () => {
    const parts: string[] = [];
    const approximate = forEachPiece(prose, (part) => parts.push(part));
    expect(approximate).toBe(false);
    expect(parts.length).toBeGreaterThan(10);
    expect(parts.join("")).toBe(prose);
    for (const part of parts.slice(1)) expect(part).toMatch(/^ \S/);
    for (const part of parts.slice(0, -1)) expect(part.length).toBeGreaterThanOrEqual(PART_CHARS);
    const whole = get_encoding("o200k_base");
    try {
      expect(countTexts("o200k_base", [prose])).toEqual([whole.encode_ordinary(prose).length]);
    } finally {
      whole.free();
    }
  });

  test("with a word of a million letters: the word is counted in pieces, within 1% of the exact count", () => {
    const word = Array.from({ length: 1_000_000 }, () => String.fromCharCode(0x61 + random(26))).join("");
    const text = `Before it, ${word} and after.`;
    const pieces: string[] = [];
    expect(forEachPiece(text, (piece) => pieces.push(piece))).toBe(true);
    expect(pieces.join("")).toBe(text);
    expect(Math.max(...pieces.map((piece) => piece.length))).toBeLessThanOrEqual(LONG_RUN_CHARS);
    const [counted] = countTexts("o200k_base", [text]);
    const exact = textCounter("o200k_base")(text);
    expect(Math.abs(counted! - exact) / exact).toBeLessThan(0.01);
  });
});
