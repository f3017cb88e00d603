import { LIMITS } from "../contract";

/** One line of a JSONL stream: its 1-based number and its bytes, without the line break. */
export interface RawLine {
  number: number;
  bytes: Buffer;
  /** Byte offset of the line's start in the stream. */
  offset: number;
  /** True when the line ended with `\r\n` (the `\r` is not in `bytes`). */
  crlf: boolean;
}

/**
 * The longest line read from a JSONL stream, in bytes: 200 MiB, the API's limit on a whole batch
 * input file (`LIMITS.maxFileBytes`, from the Batch guide: "up to 200 MB"). No request line can
 * be longer, and it leaves room for the largest answers a result line carries (an embedding of
 * 2,048 inputs at 3,072 dimensions, the API's largest request, is about 100 MB of JSON). A line
 * is held whole to be parsed, so without a bound a server that never sends a line break would
 * fill the memory; at most this much is held.
 */
export const MAX_LINE_BYTES = LIMITS.maxFileBytes;

/** A line runs past the limit: the stream is not JSONL, or not the file it should be. */
export class LineTooLongError extends RangeError {
  /** What is wrong with the line, without its number: for messages that name the file first. */
  readonly reason: string;

  constructor(
    readonly line: number,
    readonly offset: number,
    readonly limit: number,
  ) {
    const bytes = limit.toLocaleString("en-US");
    const reason = `it starts at byte ${offset} and runs past ${bytes} bytes without a line break; a line may be at most ${bytes} bytes (200 MiB, the API's limit on a whole batch file), so this is not a file of JSONL lines`;
    super(`line ${line}: ${reason}`);
    this.reason = reason;
  }
}

const NEWLINE = 0x0a;
const RETURN = 0x0d;

/**
 * Splits a byte stream into lines, holding no more than one line and one chunk. Blank lines are
 * counted but not yielded; a `\r` before the `\n` is dropped; a last line without `\n` counts.
 * A line longer than `maxLineBytes` (not counting a `\r` before its `\n`) is a `LineTooLongError`;
 * one that runs on across chunks is one as soon as more than that is held, before it is put together.
 */
export async function* splitLines(
  source: AsyncIterable<Uint8Array>,
  maxLineBytes: number = MAX_LINE_BYTES,
): AsyncGenerator<RawLine> {
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let number = 0;
  let offset = 0;
  const tooLong = () => new LineTooLongError(number + 1, offset, maxLineBytes);
  const take = (bytes: Buffer): RawLine | undefined => {
    const crlf = bytes.length > 0 && bytes[bytes.length - 1] === RETURN;
    const end = crlf ? bytes.length - 1 : bytes.length;
    if (end > maxLineBytes) throw tooLong();
    number += 1;
    const start = offset;
    offset += bytes.length + 1;
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
      if (carryBytes + rest.length > maxLineBytes + 1) throw tooLong();
      carry.push(rest);
      carryBytes += rest.length;
    }
  }
  if (carryBytes > 0) {
    const line = take(Buffer.concat(carry, carryBytes));
    if (line !== undefined) yield line;
  }
}
