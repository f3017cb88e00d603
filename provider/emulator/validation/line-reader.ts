import { createReadStream } from "node:fs";
import { isUtf8Line } from "./unicode";

/** One line of a JSONL file, without its line ending. */
export interface FileLine {
  text: string;
  /** False when the line's bytes are not well-formed UTF-8 (`text` then holds replacement characters). */
  utf8: boolean;
  /** 1-based line number. */
  number: number;
  /** Byte offset just after this line's newline (where the next line starts). */
  end: number;
}

/**
 * Reads a file line by line without loading it: lines end at LF, a CR before the LF is dropped
 * (CRLF files read like LF files), and a single trailing newline does not make an extra empty
 * line. Starts at byte `startOffset`, numbering from `startNumber`.
 */
export async function* readLines(path: string, startOffset = 0, startNumber = 1): AsyncGenerator<FileLine> {
  const stream = createReadStream(path, { start: startOffset, highWaterMark: 1024 * 1024 });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let offset = startOffset;
  let number = startNumber;
  try {
    for await (const chunk of stream) {
      const buffer = chunk as Buffer;
      let from = 0;
      for (;;) {
        const newline = buffer.indexOf(10, from);
        if (newline === -1) break;
        const piece = buffer.subarray(from, newline);
        const bytes = pendingBytes + piece.length;
        const whole = pendingBytes === 0 ? piece : Buffer.concat([...pending, piece], bytes);
        pending = [];
        pendingBytes = 0;
        offset += bytes + 1;
        yield { text: decode(whole), utf8: isUtf8Line(whole), number, end: offset };
        number += 1;
        from = newline + 1;
      }
      if (from < buffer.length) {
        pending.push(buffer.subarray(from));
        pendingBytes += buffer.length - from;
      }
    }
    if (pendingBytes > 0) {
      offset += pendingBytes;
      const whole = Buffer.concat(pending, pendingBytes);
      yield { text: decode(whole), utf8: isUtf8Line(whole), number, end: offset };
    }
  } finally {
    stream.destroy();
  }
}

function decode(bytes: Buffer): string {
  const end = bytes.length > 0 && bytes[bytes.length - 1] === 13 ? bytes.length - 1 : bytes.length;
  return bytes.toString("utf8", 0, end);
}
