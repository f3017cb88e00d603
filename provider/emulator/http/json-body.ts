import type { IncomingMessage } from "node:http";
import { bodyTooLarge, invalidJsonBody } from "../api/errors";
import { consumeBody } from "./consume-body";

/**
 * Reads a JSON request body of at most `limitBytes` and parses it. An empty body reads as
 * undefined. A body over the limit is refused with 413 before it is all read.
 */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limitBytes) {
    await consumeBody(req, () => undefined);
    throw bodyTooLarge(limitBytes);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  await consumeBody(req, (chunk) => {
    size += chunk.length;
    if (size > limitBytes) throw bodyTooLarge(limitBytes);
    chunks.push(chunk);
  });
  if (size === 0) return undefined;
  const text = Buffer.concat(chunks, size).toString("utf8");
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalidJsonBody();
  }
}

/** A JSON body that must be an object (create requests). */
export async function readJsonObject(
  req: IncomingMessage,
  limitBytes: number,
): Promise<Record<string, unknown>> {
  const body = await readJsonBody(req, limitBytes);
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw invalidJsonBody();
  return body as Record<string, unknown>;
}
