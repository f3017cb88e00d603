import { BatchApiError } from "../errors";
import { retryDelayMs } from "../policy/retry";
import type { RuntimeDeps } from "./deps";
import { withIdleTimeout } from "./idle-timeout";

/** An answer to a request for a file's content: its status, headers and body. */
export interface ContentResponse {
  status: number;
  headers: { get(name: string): string | null };
  body: AsyncIterable<Uint8Array> | null;
  /** Stops the transfer of the body (its read then fails); without it, no idle time-out applies. */
  cancel?(): void;
}

export interface ResumeOptions {
  fileId: string;
  /** The file's size as its metadata gives it (`bytes`); more than `downloadLimitOf` it is refused. */
  expectedBytes: number;
  /** How many cuts in a row that bring no new byte are resumed before giving up. */
  maxRetries: number;
  /** A body that sends no byte for this long is cancelled and counts as cut (see idle-timeout.ts). */
  idleTimeoutMs?: number;
  /**
   * Asks for the content again from byte `from` (with `Range: bytes=<from>-`); undefined when
   * the file is gone (404). Retries its own failures as any read does.
   */
  reopen(from: number): Promise<ContentResponse | undefined>;
  deps: Pick<RuntimeDeps, "sleep" | "random" | "log">;
}

/** However often a download makes progress, it is resumed at most this many times in all. */
export const MAX_RESUMES = 50;

/**
 * The most bytes a download of a file of `bytes` bytes (its metadata's size) reads: the size and
 * a slack of 1%, at least 64 KiB, so that a size reported a little short does not fail a download
 * that is otherwise fine, while a server that sends without end is stopped.
 */
export function downloadLimitOf(bytes: number): number {
  return bytes + Math.max(64 << 10, Math.ceil(bytes / 100));
}

/**
 * The bytes of a file's content, resumed where they stopped when the connection is cut: the file
 * is asked for again from the first byte not yet received. A 206 answer must start at that
 * byte; a 200 answer (a server that ignores `Range`) carries the whole file again, and the
 * bytes already received are skipped. Every byte is yielded once and in order, so a reader
 * splitting lines never sees a line twice or a half line. Both answers must agree with the
 * first on the file's size. Gives up with a `BatchApiError` naming the file and how far it got
 * after `maxRetries` cuts in a row with no new byte, or after `MAX_RESUMES` resumes in all.
 */
export async function* resumableContent(
  first: ContentResponse,
  options: ResumeOptions,
): AsyncGenerator<Uint8Array> {
  const limit = downloadLimitOf(options.expectedBytes);
  const size = sizeOf(first);
  if (size !== undefined && size > limit) throw tooLong(options, `announces ${size} bytes`);
  let response = first;
  let received = 0;
  let stalled = 0;
  for (let resumes = 0; ; resumes += 1) {
    let skip = received > 0 ? bytesToSkip(response, received, size, options.fileId) : 0;
    let progressed = false;
    let cut: unknown;
    try {
      for await (const chunk of bodyOf(response, options.idleTimeoutMs)) {
        if (skip >= chunk.length) {
          skip -= chunk.length;
          continue;
        }
        const piece = skip > 0 ? chunk.subarray(skip) : chunk;
        skip = 0;
        if (received + piece.length > limit) {
          throw tooLong(options, `sent more than ${limit} bytes and was stopped there`);
        }
        received += piece.length;
        progressed = true;
        yield piece;
      }
      if (size === undefined || received >= size) {
        if (skip > 0) throw changed(options.fileId, received, "the whole file sent again is shorter");
        return;
      }
      cut = new RangeError(`the answer ended after ${received} of ${size} bytes`);
    } catch (error) {
      if (error instanceof BatchApiError) throw error;
      cut = error;
    }
    stalled = progressed ? 0 : stalled + 1;
    const reason = cut instanceof Error ? cut.message : String(cut);
    if (stalled > options.maxRetries || resumes >= MAX_RESUMES) {
      throw new BatchApiError({
        operation: `download file ${options.fileId}`,
        apiMessage: `the download was cut off after ${received}${size === undefined ? "" : ` of ${size}`} bytes (${reason}) and ${stalled > options.maxRetries ? `${stalled} resumes in a row brought no new byte` : `was resumed ${resumes} times`}; check the network and read the results again`,
      });
    }
    const wait =
      retryDelayMs(stalled, { status: undefined, retryAfterMs: undefined }, options.deps.random()) ?? 0;
    options.deps.log.info(
      `download file ${options.fileId}: cut off after ${received} bytes (${reason}); resuming in ${wait} ms`,
    );
    await options.deps.sleep(wait);
    const next = await options.reopen(received);
    if (next === undefined) {
      throw new BatchApiError({
        operation: `download file ${options.fileId}`,
        status: 404,
        apiMessage: `the file disappeared after ${received} bytes had been received: it has expired or been deleted`,
      });
    }
    response = next;
  }
}

/** The answer's body, under the idle time-out when there is one and the answer can be cancelled. */
function bodyOf(response: ContentResponse, idleTimeoutMs: number | undefined): AsyncIterable<Uint8Array> {
  const body = response.body ?? (async function* () {})();
  const cancel = response.cancel;
  return idleTimeoutMs === undefined || cancel === undefined
    ? body
    : withIdleTimeout(body, idleTimeoutMs, () => cancel.call(response));
}

/**
 * How many bytes of a resumed answer were received before: none for a 206 that starts where the
 * download stopped, all of them for a 200 that sends the whole file again.
 */
function bytesToSkip(
  response: ContentResponse,
  received: number,
  size: number | undefined,
  fileId: string,
): number {
  const answered = sizeOf(response);
  if (size !== undefined && answered !== undefined && answered !== size) {
    throw changed(fileId, received, `it now has ${answered} bytes, not ${size}`);
  }
  if (response.status !== 206) return received;
  const start = rangeOf(response)?.start;
  if (start !== received) {
    throw changed(
      fileId,
      received,
      `asked for the bytes from ${received}, the server sent a part from ${start ?? "an unknown byte"}`,
    );
  }
  return 0;
}

/** The file's whole size as an answer tells it: `content-range`'s total for a 206, else `content-length`. */
function sizeOf(response: ContentResponse): number | undefined {
  if (response.status === 206) return rangeOf(response)?.total;
  const length = Number(response.headers.get("content-length") ?? Number.NaN);
  return Number.isInteger(length) && length >= 0 ? length : undefined;
}

function rangeOf(response: ContentResponse): { start: number; total: number | undefined } | undefined {
  const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(response.headers.get("content-range")?.trim() ?? "");
  if (match === null) return undefined;
  return { start: Number(match[1]), total: match[2] === "*" ? undefined : Number(match[2]) };
}

/** The server sends more than the file holds: a faulty or hostile server, or not the API. */
function tooLong(options: ResumeOptions, what: string): BatchApiError {
  return new BatchApiError({
    operation: `download file ${options.fileId}`,
    apiMessage: `the file's metadata gives its size as ${options.expectedBytes} bytes, but the answer ${what}; the server does not answer as the OpenAI API does (check openai:baseUrl, or OPENAI_BASE_URL)`,
  });
}

function changed(fileId: string, received: number, detail: string): BatchApiError {
  return new BatchApiError({
    operation: `download file ${fileId}`,
    apiMessage: `the download was cut off after ${received} bytes and could not be resumed: ${detail}; read the results again`,
  });
}
