import type * as Encoding from "gpt-tokenizer/encoding/o200k_base";
import type { EncodingName } from "./encodings";

/** Counts the tokens of a text in one encoding. */
export type TextCounter = (text: string) => number;

// Special-token text such as "<|endoftext|>" in a prompt is ordinary text to the API.
const AS_PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

const loaded = new Map<EncodingName, TextCounter>();

/**
 * Entries of the tokenizer's cache of merged words (its default is 100,000). Ten thousand keep
 * the common words at a few MiB, where the heap of a counting worker is capped.
 */
const MERGE_CACHE_ENTRIES = 10_000;

/**
 * The token counter of an encoding. Each encoding's tables are loaded on first use (tens of
 * milliseconds), so a process that counts only one encoding never loads the other.
 */
export function textCounter(encoding: EncodingName): TextCounter {
  let counter = loaded.get(encoding);
  if (counter === undefined) {
    const api = loadEncoding(encoding);
    api.setMergeCacheSize(MERGE_CACHE_ENTRIES);
    counter = (text: string) => (text === "" ? 0 : api.countTokens(text, AS_PLAIN_TEXT));
    loaded.set(encoding, counter);
  }
  return counter;
}

function loadEncoding(encoding: EncodingName): typeof Encoding {
  // Required on demand: each module builds a large table when loaded.
  return encoding === "o200k_base"
    ? (require("gpt-tokenizer/encoding/o200k_base") as typeof Encoding)
    : (require("gpt-tokenizer/encoding/cl100k_base") as typeof Encoding);
}
