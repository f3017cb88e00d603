import { open } from "node:fs/promises";

const NEWLINE = 0x0a;
const READ_CHUNK_BYTES = 1024 * 1024;

/** How many lines and bytes a JSONL source holds. */
export interface LineCount {
  lines: number;
  bytes: number;
}

/**
 * Counts lines as the validator does: every newline ends one, and a last line without its
 * newline counts too. Holds nothing but the counts, so memory stays flat whatever it is fed.
 */
export class LineCounter {
  private newlines = 0;
  private bytes = 0;
  private endsWithNewline = true;

  add(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, at + 1)) {
      this.newlines += 1;
    }
    this.bytes += chunk.length;
    this.endsWithNewline = chunk[chunk.length - 1] === NEWLINE;
  }

  get count(): LineCount {
    return { lines: this.newlines + (this.endsWithNewline ? 0 : 1), bytes: this.bytes };
  }
}

/** The lines and bytes of a file, read in 1 MiB chunks into one buffer used again. */
export async function countFileLines(path: string): Promise<LineCount> {
  const counter = new LineCounter();
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) return counter.count;
      counter.add(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
}

/**
 * A stream handed to a reader that may stop early (the validator stops at the Batch API's
 * limits), with every chunk it takes counted. When the reader stops, the stream is not closed:
 * `countRest` reads and counts what it left, so that the count covers the whole stream.
 */
export function countedStream(stream: AsyncIterable<Uint8Array | string>): {
  chunks: AsyncIterable<Uint8Array>;
  countRest(): Promise<LineCount>;
} {
  const counter = new LineCounter();
  const source = stream[Symbol.asyncIterator]();
  const take = async (): Promise<IteratorResult<Uint8Array>> => {
    const next = await source.next();
    if (next.done === true) return { done: true, value: undefined };
    const bytes = typeof next.value === "string" ? Buffer.from(next.value, "utf8") : next.value;
    counter.add(bytes);
    return { done: false, value: bytes };
  };
  const chunks: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => ({
      next: take,
      // The reader is done with it; the rest is still counted by `countRest`.
      return: async () => ({ done: true, value: undefined }),
    }),
  };
  return {
    chunks,
    async countRest() {
      while ((await take()).done !== true) {
        // Each chunk is counted as it is taken.
      }
      return counter.count;
    },
  };
}
