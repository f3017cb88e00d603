/**
 * Polls `read` until `done` holds, at most `attempts` times with `pauseMs` between reads. When it
 * never holds, it fails with a message naming what was awaited and the last value seen, long before
 * the test's own time-out would end the test without saying why.
 */
export async function pollUntil<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  { attempts = 400, pauseMs = 5 }: { attempts?: number; pauseMs?: number } = {},
): Promise<T> {
  let value = await read();
  for (let attempt = 1; !done(value); attempt++) {
    if (attempt >= attempts) {
      throw new RangeError(
        `${what}: still not there after ${attempts} reads ${pauseMs} ms apart; last seen: ${JSON.stringify(value)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
    value = await read();
  }
  return value;
}
