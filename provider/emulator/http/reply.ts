import type { ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

/** An answer, built by a handler and sent by the server (which may still replace it). */
export type Reply =
  | { kind: "json"; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: "stream"; status: number; headers: Record<string, string>; open: () => Readable };

export function json(body: unknown, status = 200, headers?: Record<string, string>): Reply {
  return headers === undefined ? { kind: "json", status, body } : { kind: "json", status, body, headers };
}

/** Writes a reply. Resolves once it is sent (or the client went away). */
export async function sendReply(
  res: ServerResponse,
  reply: Reply,
  extraHeaders: Record<string, string>,
): Promise<void> {
  for (const [name, value] of Object.entries({ ...extraHeaders, ...(reply.headers ?? {}) })) {
    res.setHeader(name, value);
  }
  if (reply.kind === "json") {
    const text = JSON.stringify(reply.body);
    res.statusCode = reply.status;
    res.setHeader("content-type", "application/json");
    res.setHeader("content-length", Buffer.byteLength(text));
    await new Promise<void>((resolve) => res.end(text, () => resolve()));
    return;
  }
  res.statusCode = reply.status;
  try {
    await pipeline(reply.open(), res);
  } catch {
    res.destroy();
  }
}

/**
 * Sends a streamed reply's status, headers (with the full `content-length`) and first `afterBytes`
 * bytes, then closes the connection: a download cut off half-way, as a broken network leaves it.
 */
export async function sendCutReply(
  res: ServerResponse,
  reply: Reply,
  extraHeaders: Record<string, string>,
  afterBytes: number,
): Promise<void> {
  if (reply.kind !== "stream") return sendReply(res, reply, extraHeaders);
  for (const [name, value] of Object.entries({ ...extraHeaders, ...reply.headers })) {
    res.setHeader(name, value);
  }
  res.statusCode = reply.status;
  const source = reply.open();
  let left = afterBytes;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      if (left <= 0) break;
      const piece = chunk.length > left ? chunk.subarray(0, left) : chunk;
      left -= piece.length;
      await new Promise<void>((resolve, reject) =>
        res.write(piece, (error) => (error ? reject(error) : resolve())),
      );
    }
    if (afterBytes === 0) res.flushHeaders();
  } catch {
    // The client went away first; there is nothing left to cut.
  } finally {
    source.destroy();
    res.socket?.destroySoon();
  }
}
