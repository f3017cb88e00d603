import { rankTable } from "./bpe/rank-table";
import { BpeTextCounter } from "./bpe/text-counter";
import type { EncodingName } from "./encodings";

/** Counts the tokens of a text in one encoding. */
export type TextCounter = (text: string) => number;

const loaded = new Map<EncodingName, TextCounter>();

/**
 * The token counter of an encoding: the package's own byte-pair merge over the rank tables that
 * gpt-tokenizer ships, which gives gpt-tokenizer's counts in time proportional to the text (see
 * bpe/). Each encoding's table is built on first use, so a process that counts only one encoding
 * never loads the other.
 */
export function textCounter(encoding: EncodingName): TextCounter {
  let counter = loaded.get(encoding);
  if (counter === undefined) {
    const bpe = new BpeTextCounter(rankTable(encoding));
    counter = (text: string) => (text === "" ? 0 : bpe.count(text));
    loaded.set(encoding, counter);
  }
  return counter;
}
