import { createWriteStream, type WriteStream } from "node:fs";
import { open, rm } from "node:fs/promises";
import { finished } from "node:stream/promises";

/** A file being written, one chunk at a time, with backpressure. */
export interface FileSink {
  readonly path: string;
  /** Bytes written so far. */
  readonly bytes: number;
  write(chunk: Buffer | string): Promise<void>;
  /** Closes the file; with `durable`, flushes it to the disk first. */
  finish(durable: boolean): Promise<void>;
  /** Closes and deletes the file. */
  abort(): Promise<void>;
}

export function openSink(path: string, append = false): FileSink {
  const stream: WriteStream = createWriteStream(path, {
    flags: append ? "a" : "w",
    highWaterMark: 1024 * 1024,
  });
  let bytes = 0;
  let failure: unknown;
  stream.on("error", (error) => {
    failure = error;
  });
  return {
    path,
    get bytes() {
      return bytes;
    },
    async write(chunk) {
      if (failure !== undefined) throw failure;
      bytes += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
      if (!stream.write(chunk)) await drained(stream);
      if (failure !== undefined) throw failure;
    },
    async finish(durable) {
      stream.end();
      await finished(stream);
      if (failure !== undefined) throw failure;
      if (durable) await syncFile(path);
    },
    async abort() {
      stream.destroy();
      await finished(stream).catch(() => undefined);
      await rm(path, { force: true });
    },
  };
}

function drained(stream: WriteStream): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onDrain = () => {
      stream.off("error", onError);
      resolve();
    };
    const onError = (error: Error) => {
      stream.off("drain", onDrain);
      reject(error);
    };
    stream.once("drain", onDrain);
    stream.once("error", onError);
  });
}

/** Flushes a file's contents to the disk. */
export async function syncFile(path: string): Promise<void> {
  const handle = await open(path, "r+");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
