import { open } from "node:fs/promises";
import { LongStringScanner, MAX_STRING_CHARS } from "./string-limit";
import { addLine, addRefused, emptyTally, type TokenTally } from "./tally";

const CHUNK_BYTES = 1024 * 1024;
const NEWLINE = 0x0a;

/**
 * Tallies the lines of a file that start in the byte range [start, end): a line that begins
 * before `end` is read to its end. `start` must be 0 or just after a newline. Memory holds one
 * chunk and one line at a time; a line that holds a string longer than the API takes is seen as
 * it arrives, counted as refused, and skipped without being held whole. `limit` is the API's
 * longest string but for tests, which check the refusal at small sizes.
 */
export async function tallyFileRange(
  path: string,
  endpoint: string,
  start: number,
  end: number,
  limit = MAX_STRING_CHARS,
): Promise<TokenTally> {
  const tally = emptyTally(endpoint);
  const handle = await open(path, "r");
  try {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    const line = new PendingLine(limit);
    let position = start;
    let lineStart = start;
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, CHUNK_BYTES, position);
      if (bytesRead === 0) {
        break;
      }
      let from = 0;
      let newline = chunk.indexOf(NEWLINE, 0);
      while (newline !== -1 && newline < bytesRead) {
        line.add(chunk, from, newline);
        line.finish(tally, lineStart);
        from = newline + 1;
        lineStart = position + from;
        if (lineStart >= end) {
          return tally;
        }
        newline = chunk.indexOf(NEWLINE, from);
      }
      if (from < bytesRead) {
        line.add(chunk, from, bytesRead, true);
      }
      position += bytesRead;
    }
    if (line.started && lineStart < end) {
      line.finish(tally, lineStart);
    }
    return tally;
  } finally {
    await handle.close();
  }
}

/**
 * The line being read, in pieces. Once it is longer than the API's longest string, its bytes are
 * also scanned for a string over that limit: such a line is refused and its bytes let go.
 */
class PendingLine {
  private pieces: Buffer[] = [];
  private bytes = 0;
  private scanner: LongStringScanner | undefined;
  private refused = false;
  started = false;

  constructor(private readonly limit: number) {}

  /** Adds bytes [from, to) of `chunk`; `keep` copies them, since the chunk is read into again. */
  add(chunk: Buffer, from: number, to: number, keep = false): void {
    this.started = true;
    if (this.refused || from === to) return;
    const piece = keep ? Buffer.from(chunk.subarray(from, to)) : chunk.subarray(from, to);
    this.pieces.push(piece);
    this.bytes += piece.length;
    if (this.scanner !== undefined) {
      this.scanner.push(piece);
    } else if (this.bytes > this.limit) {
      // No string of a shorter line can be over the limit: scan only now, from the start.
      this.scanner = new LongStringScanner(this.limit);
      for (const held of this.pieces) this.scanner.push(held);
    }
    if (this.scanner?.overLimit === true) {
      this.refused = true;
      this.pieces = [];
    }
  }

  /** Counts the line into the tally and starts the next one. */
  finish(tally: TokenTally, byte: number): void {
    if (this.refused) {
      // A request, as far as the batch goes: the API takes the line and fails the request.
      tally.requests += 1;
      addRefused(tally, { byte });
    } else if (this.pieces.length > 0) {
      const text = (this.pieces.length === 1 ? this.pieces[0]! : Buffer.concat(this.pieces)).toString("utf8");
      this.pieces = [];
      addLine(tally, text, { byte });
    }
    this.pieces = [];
    this.bytes = 0;
    this.scanner = undefined;
    this.refused = false;
    this.started = false;
  }
}

/**
 * Splits a file into about `parts` byte ranges that each start at a line: every boundary is
 * moved to just after the next newline. Ranges may be fewer than `parts` for a small file.
 */
export async function lineAlignedRanges(
  path: string,
  size: number,
  parts: number,
): Promise<[number, number][]> {
  const handle = await open(path, "r");
  try {
    const starts = [0];
    const probe = Buffer.allocUnsafe(64 * 1024);
    for (let index = 1; index < parts; index += 1) {
      let position = Math.max(Math.floor((size * index) / parts), starts[starts.length - 1] ?? 0);
      let aligned: number | undefined;
      while (aligned === undefined && position < size) {
        const { bytesRead } = await handle.read(probe, 0, probe.length, position);
        const newline = probe.subarray(0, bytesRead).indexOf(NEWLINE);
        if (newline === -1) {
          position += bytesRead;
          if (bytesRead === 0) break;
        } else {
          aligned = position + newline + 1;
        }
      }
      if (aligned !== undefined && aligned < size && aligned > (starts[starts.length - 1] ?? 0)) {
        starts.push(aligned);
      }
    }
    return starts.map((begin, index) => [begin, starts[index + 1] ?? size]);
  } finally {
    await handle.close();
  }
}

/** The 1-based number of the line that starts at byte `offset` of a file. */
export async function lineNumberAt(path: string, offset: number): Promise<number> {
  const handle = await open(path, "r");
  try {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    let newlines = 0;
    for (let position = 0; position < offset; ) {
      const { bytesRead } = await handle.read(chunk, 0, Math.min(CHUNK_BYTES, offset - position), position);
      if (bytesRead === 0) break;
      for (
        let at = chunk.indexOf(NEWLINE, 0);
        at !== -1 && at < bytesRead;
        at = chunk.indexOf(NEWLINE, at + 1)
      ) {
        newlines += 1;
      }
      position += bytesRead;
    }
    return newlines + 1;
  } finally {
    await handle.close();
  }
}
