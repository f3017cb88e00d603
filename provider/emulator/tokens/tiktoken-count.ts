import type { Tiktoken } from "tiktoken";
import type { TiktokenEncodingName } from "./encoding";
import { forEachPiece } from "./text-pieces";

const encodings = new Map<TiktokenEncodingName, Tiktoken>();

/**
 * The tokens of each text, counted with tiktoken (OpenAI's tokenizer, its Rust core compiled to
 * WebAssembly), special-token text read as plain text as the API reads it. Each encoding is loaded
 * on first use, in about a second: the emulator counts in a thread of its own (counting-thread.ts),
 * so that neither this nor a long text keeps it from answering.
 */
export function countTexts(encodingName: TiktokenEncodingName, texts: readonly string[]): number[] {
  let encoding = encodings.get(encodingName);
  if (encoding === undefined) {
    const { get_encoding } = require("tiktoken") as typeof import("tiktoken");
    encoding = get_encoding(encodingName);
    encodings.set(encodingName, encoding);
  }
  const counter = encoding;
  return texts.map((text) => {
    let tokens = 0;
    forEachPiece(text, (piece) => {
      tokens += counter.encode_ordinary(piece).length;
    });
    return tokens;
  });
}
