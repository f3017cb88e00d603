/**
 * The pre-tokenizer scans give the pre-tokens of the encodings' patterns (gpt-tokenizer's regular
 * expressions). Runs of 300,000 characters, and a word that overflows V8's backtracking stack, are in
 * bpe-scale.test.ts.
 */
import { describe, expect, test } from "vitest";
import { bounds, type Encoding, POOL, patternBounds, seeded } from "./support/pre-tokens";

/** Under `npm run mutation`, where every mutant runs these tests again, 4,000 texts; else 20,000. */
const RANDOM_TEXTS = process.env.PULUMI_OPENAI_BATCH_MUTATION === "1" ? 4000 : 20_000;

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
