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
