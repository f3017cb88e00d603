/**
 * How the emulator cuts a text before its tokenizer counts it, so that no call takes long.
 *
 * tiktoken merges the bytes of each word in time that grows with the square of the word's length
 * (a word of 16,000 letters takes a quarter of a second; one of a megabyte, hours). So:
 * - a run of more than 512 characters without a space, or of more than 512 spaces, is counted in
 *   pieces of 64 characters: an approximation (a word cut in pieces makes about the same tokens,
 *   not exactly the same), the only one;
 * - a long text is counted in parts of about 16,384 characters, cut only just before a single
 *   space that stands between two characters that are not spaces. The encodings never join such a
 *   space to what comes before it, so these cuts change no count.
 */
export const LONG_RUN_CHARS = 512;
export const RUN_PIECE_CHARS = 64;
export const PART_CHARS = 16_384;

/** Calls `piece` with the parts of `text` to count, in order. Returns true when a count of them is an approximation. */
export function forEachPiece(text: string, piece: (part: string) => void): boolean {
  if (text.length <= LONG_RUN_CHARS) {
    piece(text);
    return false;
  }
  let approximate = false;
  let partStart = 0;
  let runStart = 0;
  while (runStart < text.length) {
    const space = isSpace(text.charCodeAt(runStart));
    let runEnd = runStart + 1;
    while (runEnd < text.length && isSpace(text.charCodeAt(runEnd)) === space) runEnd += 1;
    if (runEnd - runStart > LONG_RUN_CHARS) {
      if (runStart > partStart) piece(text.slice(partStart, runStart));
      for (let at = runStart; at < runEnd; ) {
        let end = Math.min(runEnd, at + RUN_PIECE_CHARS);
        // A surrogate pair stays whole.
        if (end < runEnd && isHighSurrogate(text.charCodeAt(end - 1))) end += 1;
        piece(text.slice(at, end));
        at = end;
      }
      approximate = true;
      partStart = runEnd;
    } else if (
      space &&
      runEnd - runStart === 1 &&
      text.charCodeAt(runStart) === SPACE &&
      runStart > partStart &&
      runEnd < text.length &&
      runStart - partStart >= PART_CHARS
    ) {
      piece(text.slice(partStart, runStart));
      partStart = runStart;
    }
    runStart = runEnd;
  }
  if (partStart < text.length) piece(text.slice(partStart));
  return approximate;
}

const SPACE = 0x20;

/** JavaScript's `\s`, the spaces of the encodings' patterns. */
function isSpace(unit: number): boolean {
  return (
    (unit >= 0x09 && unit <= 0x0d) ||
    unit === 0x20 ||
    unit === 0xa0 ||
    unit === 0x1680 ||
    (unit >= 0x2000 && unit <= 0x200a) ||
    unit === 0x2028 ||
    unit === 0x2029 ||
    unit === 0x202f ||
    unit === 0x205f ||
    unit === 0x3000 ||
    unit === 0xfeff
  );
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}
