import { open } from "node:fs/promises";
import { addLine, emptyTally, type TokenTally } from "./tally";

const CHUNK_BYTES = 1024 * 1024;
const NEWLINE = 0x0a;

/**
 * Tallies the lines of a file that start in the byte range [start, end): a line that begins
 * before `end` is read to its end. `start` must be 0 or just after a newline. Memory holds one
 * chunk and one line at a time.
 */
export async function tallyFileRange(
  path: string,
  endpoint: string,
  start: number,
  end: number,
): Promise<TokenTally> {
  const tally = emptyTally(endpoint);
  const handle = await open(path, "r");
  try {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    let carry: Buffer[] = [];
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
        const piece = chunk.subarray(from, newline);
        const line = carry.length === 0 ? piece : Buffer.concat([...carry, piece]);
        carry = [];
        addLine(tally, line.toString("utf8"));
        from = newline + 1;
        lineStart = position + from;
        if (lineStart >= end) {
          return tally;
        }
        newline = chunk.indexOf(NEWLINE, from);
      }
      if (from < bytesRead) {
        carry.push(Buffer.from(chunk.subarray(from, bytesRead)));
      }
      position += bytesRead;
    }
    if (carry.length > 0 && lineStart < end) {
      addLine(tally, Buffer.concat(carry).toString("utf8"));
    }
    return tally;
  } finally {
    await handle.close();
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
