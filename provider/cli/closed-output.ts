/**
 * A reader that stops early (`openai-batch results batch_abc | head -1`) closes the pipe, and the
 * next write to it fails with EPIPE. A Unix tool then ends quietly: it writes nothing more, not
 * even an error, and exits 0.
 */

/** Whether `error` is the one a write gives when the pipe's reader has gone. */
export function isClosedPipe(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "EPIPE";
}

/**
 * Ends the process with exit code 0 when the reader of one of `streams` goes away, through
 * `process.exit`, so that the `exit` hooks still remove the temporary files of a write or a join
 * in progress (see results/temp-space.ts). Any other error of the stream is thrown, as Node.js
 * does without a handler.
 */
export function exitQuietlyWhenReaderGoes(streams: readonly NodeJS.EventEmitter[]): void {
  for (const stream of streams) {
    stream.on("error", (error: unknown) => {
      if (!isClosedPipe(error)) throw error;
      process.exit(0);
    });
  }
}
