/**
 * What the pre-tokenizer and merge tests share: a seeded generator, the encodings' patterns
 * (gpt-tokenizer's regular expressions), the kinds of code points they tell apart, and the cuts a
 * text gets from the package's scan and from the pattern.
 */
import { CL100K_TOKEN_SPLIT_REGEX, O200K_TOKEN_SPLIT_REGEX } from "gpt-tokenizer/encodingParams/constants";
import { preTokenize } from "../../../../provider/cost/bpe/pre-tokenizer";

export const PATTERNS = {
  o200k_base: O200K_TOKEN_SPLIT_REGEX,
  cl100k_base: CL100K_TOKEN_SPLIT_REGEX,
} as const;
export type Encoding = keyof typeof PATTERNS;

/** One of every kind of code point the patterns tell apart, and the sequences they treat specially. */
export const POOL = [
  ..."abstlLvedmrRASZ",
  ..."ÉéßǅʰªΩж中日",
  "\u0301",
  "\u0308",
  ..."12٣½Ⅻ",
  "𝟙",
  "𝐀",
  "𝐚",
  "𠀀",
  "😀",
  "👍🏽",
  "'",
  "’",
  " ",
  "  ",
  "\t",
  "\n",
  "\r",
  "\r\n",
  "\u00a0",
  "\u3000",
  "\u2028",
  "\ufeff",
  ..."/!.…。-_<>|",
  "\ud800",
  "\udc00",
  "'s",
  "'LL",
  "'Ve",
  "'rE",
  "<|endoftext|>",
];

/** A seeded generator, so every run tests the same texts. */
export function seeded(seed: number): (below: number) => number {
  let state = seed;
  return (below) => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    // The low bits of this generator repeat quickly; the high ones do not.
    return (state >>> 8) % below;
  };
}

/** Where the package's scan cuts a text: each pre-token's start and end. */
export function bounds(text: string, encoding: Encoding): number[] {
  const found: number[] = [];
  preTokenize(text, encoding, (start, end) => found.push(start, end));
  return found;
}

/** Where the encoding's pattern cuts a text. */
export function patternBounds(text: string, encoding: Encoding): number[] {
  return [...text.matchAll(PATTERNS[encoding])].flatMap((match) => [
    match.index,
    match.index + match[0].length,
  ]);
}
