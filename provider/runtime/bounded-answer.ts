/**
 * Answers read within bounds, before the SDK sees them. The SDK reads a whole error body into one
 * string, and a whole JSON answer into memory, after its request time-out has stopped counting;
 * a server that sends without end would fill the memory, and one that stalls would hang the call.
 * Read here, inside the `fetch` the SDK calls, both stay under `openai:requestTimeoutSeconds` and
 * within a size.
 */

/**
 * The most of an error body that is read: the API's error bodies are a few hundred bytes
 * (`{"error": {message, type, param, code}}`); the rest of a longer one is dropped, and the text
 * says so.
 */
export const ERROR_BODY_BYTES = 8 << 10;

/**
 * The longest JSON answer read: 64 MiB, far above the largest page the provider asks for (a list
 * of 10,000 file objects, about 4 MB). File content is streamed and bounded elsewhere.
 */
export const MAX_ANSWER_BYTES = 64 << 20;

/** What is appended to an error body that was cut. */
export const CUT_NOTE = `…(cut: the body is longer than ${ERROR_BODY_BYTES / 1024} KiB)`;

/** A JSON answer longer than `MAX_ANSWER_BYTES`. */
export class AnswerTooLongError extends RangeError {
  constructor(what: string) {
    super(
      `the answer to ${what} is longer than ${MAX_ANSWER_BYTES / (1 << 20)} MiB, so it was not read; the server does not answer as the OpenAI API does (check openai:baseUrl, or OPENAI_BASE_URL)`,
    );
  }
}

/**
 * The answer with its body read: an error body up to `ERROR_BODY_BYTES` (cut, and marked so,
 * beyond), any other body whole up to `MAX_ANSWER_BYTES` (an `AnswerTooLongError` beyond).
 * `what` names the call in that error, e.g. `GET /v1/batches`.
 */
export async function boundedAnswer(response: Response, what: string): Promise<Response> {
  if (response.body === null) return response;
  const failed = !response.ok;
  const { bytes, cut } = await readUpTo(response.body, failed ? ERROR_BODY_BYTES : MAX_ANSWER_BYTES);
  if (cut && !failed) throw new AnswerTooLongError(what);
  const body = cut ? Buffer.concat([bytes, Buffer.from(CUT_NOTE)]) : bytes;
  const headers = new Headers(response.headers);
  // The body is now the decoded bytes, whole: the server's framing no longer applies.
  headers.delete("content-length");
  headers.delete("content-encoding");
  return new Response(new Uint8Array(body), {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}

/** Up to `limit` bytes of a body; the rest is cancelled unread. */
async function readUpTo(
  body: ReadableStream<Uint8Array>,
  limit: number,
): Promise<{ bytes: Buffer; cut: boolean }> {
  const reader = body.getReader();
  const parts: Buffer[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { bytes: Buffer.concat(parts, size), cut: false };
    if (size + value.length > limit) {
      parts.push(Buffer.from(value.buffer, value.byteOffset, limit - size));
      await reader.cancel().catch(() => undefined);
      return { bytes: Buffer.concat(parts, limit), cut: true };
    }
    parts.push(Buffer.from(value.buffer, value.byteOffset, value.length));
    size += value.length;
  }
}
