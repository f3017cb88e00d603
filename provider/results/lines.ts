/** One line of a JSONL stream: its 1-based number and its bytes, without the line break. */
export interface RawLine {
  number: number;
  bytes: Buffer;
  /** Byte offset of the line's start in the stream. */
  offset: number;
  /** True when the line ended with `\r\n` (the `\r` is not in `bytes`). */
  crlf: boolean;
}

const NEWLINE = 0x0a;
const RETURN = 0x0d;

/**
 * Splits a byte stream into lines, holding no more than one line and one chunk. Blank lines are
 * counted but not yielded; a `\r` before the `\n` is dropped; a last line without `\n` counts.
 */
export async function* splitLines(source: AsyncIterable<Uint8Array>): AsyncGenerator<RawLine> {
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let number = 0;
  let offset = 0;
  const take = (bytes: Buffer): RawLine | undefined => {
    number += 1;
    const start = offset;
    offset += bytes.length + 1;
    const crlf = bytes.length > 0 && bytes[bytes.length - 1] === RETURN;
    const end = crlf ? bytes.length - 1 : bytes.length;
    return end === 0 ? undefined : { number, bytes: bytes.subarray(0, end), offset: start, crlf };
  };
  for await (const piece of source) {
    const chunk = Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.length);
    let from = 0;
    for (let at = chunk.indexOf(NEWLINE, from); at !== -1; at = chunk.indexOf(NEWLINE, from)) {
      let bytes = chunk.subarray(from, at);
      if (carryBytes > 0) {
        carry.push(bytes);
        bytes = Buffer.concat(carry, carryBytes + bytes.length);
        carry = [];
        carryBytes = 0;
      }
      const line = take(bytes);
      if (line !== undefined) yield line;
      from = at + 1;
    }
    if (from < chunk.length) {
      const rest = chunk.subarray(from);
      carry.push(rest);
      carryBytes += rest.length;
    }
  }
  if (carryBytes > 0) {
    const line = take(Buffer.concat(carry, carryBytes));
    if (line !== undefined) yield line;
  }
}
