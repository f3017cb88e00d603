/**
 * A body that stops sending: the SDK's request time-out ends once the answer's headers have come,
 * so a server that sends some of a file and then nothing would keep a download waiting without
 * end. Read through `withIdleTimeout`, a body that sends no byte for a while is cancelled and
 * ends with an `IdleTimeoutError`, which a resumable download treats as a cut connection.
 */

/** No byte came for the time allowed. */
export class IdleTimeoutError extends RangeError {
  constructor(readonly ms: number) {
    super(`no byte came for ${ms / 1000} s (openai:requestTimeoutSeconds)`);
  }
}

/**
 * The items of `source`, each of which must come within `ms` of the one before (of the start,
 * for the first); when one does not, `cancel` stops the transfer underneath and the read ends
 * with an `IdleTimeoutError`. The timer is a real one, whatever clock the caller keeps.
 */
export async function* withIdleTimeout<T>(
  source: AsyncIterable<T>,
  ms: number,
  cancel: () => void,
): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let idle = false;
  try {
    for (;;) {
      const next = iterator.next();
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<"late">((resolve) => {
        timer = setTimeout(() => resolve("late"), ms);
      });
      const first = await Promise.race([next, late]).finally(() => clearTimeout(timer));
      if (first === "late") {
        idle = true;
        // The read still pending fails once the transfer is cancelled; nobody waits for it.
        next.catch(() => undefined);
        cancel();
        throw new IdleTimeoutError(ms);
      }
      if (first.done) return;
      yield first.value;
    }
  } finally {
    // Closes the source when the reader stops early; after a time-out, without waiting for it.
    const closing = iterator.return?.();
    if (idle) closing?.catch(() => undefined);
    else await closing;
  }
}
