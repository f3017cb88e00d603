/**
 * The pre-tokenizer scans give the pre-tokens of the encodings' patterns (gpt-tokenizer's regular
 * expressions). Runs of 300,000 characters, and a word that overflows V8's backtracking stack, are in
 * bpe-scale.test.ts.
 */
import { CL100K_TOKEN_SPLIT_REGEX, O200K_TOKEN_SPLIT_REGEX } from "gpt-tokenizer/encodingParams/constants";
import { describe, expect, test } from "vitest";
import { preTokenize } from "../../../provider/cost/bpe/pre-tokenizer";

const PATTERNS = { o200k_base: O200K_TOKEN_SPLIT_REGEX, cl100k_base: CL100K_TOKEN_SPLIT_REGEX } as const;
type Encoding = keyof typeof PATTERNS;

/** One of every kind of code point the patterns tell apart, and the sequences they treat specially. */
const POOL = [
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

/** Under `npm run mutation`, where every mutant runs these tests again, 4,000 texts; else 20,000. */
const RANDOM_TEXTS = process.env.PULUMI_OPENAI_BATCH_MUTATION === "1" ? 4000 : 20_000;

function seeded(seed: number): (below: number) => number {
  let state = seed;
  return (below) => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return (state >>> 8) % below;
  };
}

function bounds(text: string, encoding: Encoding): number[] {
  const found: number[] = [];
  preTokenize(text, encoding, (start, end) => found.push(start, end));
  return found;
}

function patternBounds(text: string, encoding: Encoding): number[] {
  return [...text.matchAll(PATTERNS[encoding])].flatMap((match) => [
    match.index,
    match.index + match[0].length,
  ]);
}

describe.each<Encoding>(["o200k_base", "cl100k_base"])(
  "%s: the scan cuts where the pattern cuts",
  (encoding) => {
    test(`on ${RANDOM_TEXTS} random texts of letters of every case, marks, numbers, spaces, breaks, punctuation`, () => {
      const random = seeded(encoding === "o200k_base" ? 3 : 4);
      const mismatches: string[] = [];
      for (let index = 0; index < RANDOM_TEXTS; index += 1) {
        const length = 1 + random(index % 10 === 0 ? 200 : 20);
        const text = Array.from({ length }, () => POOL[random(POOL.length)]).join("");
        if (bounds(text, encoding).join() !== patternBounds(text, encoding).join()) mismatches.push(text);
      }
      expect(mismatches).toEqual([]);
    });

    test("on runs of up to 3,000 characters of two or three kinds", () => {
      const random = seeded(encoding === "o200k_base" ? 5 : 6);
      for (let index = 0; index < 60; index += 1) {
        const kinds = [POOL[random(POOL.length)]!, POOL[random(POOL.length)]!, POOL[random(POOL.length)]!];
        const length = 10 + random(3000);
        let text = "";
        while (text.length < length) {
          const draw = random(100);
          text += draw < 90 ? kinds[0] : draw < 97 ? kinds[1] : kinds[2];
        }
        expect(bounds(text, encoding).join(), JSON.stringify(kinds)).toBe(
          patternBounds(text, encoding).join(),
        );
      }
    });
  },
);
