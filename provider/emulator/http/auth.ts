import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { ApiError } from "../api/api-error";
import { incorrectApiKey, missingApiKey } from "../api/errors";

/** Checks the bearer key of a request; returns the error to answer, or undefined when it matches. */
export function checkBearer(headers: IncomingHttpHeaders, apiKey: string): ApiError | undefined {
  const header = headers.authorization;
  if (header === undefined || header.trim() === "") return missingApiKey();
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  const presented = match?.[1]?.trim() ?? "";
  if (presented === "") return missingApiKey();
  return sameKey(presented, apiKey) ? undefined : incorrectApiKey(maskKey(presented));
}

function sameKey(a: string, b: string): boolean {
  const hash = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(hash(a), hash(b));
}

/** Shows a key the way the real API does in its 401 message: a few characters at each end. */
export function maskKey(key: string): string {
  if (key.length <= 8) return "*".repeat(key.length);
  return `${key.slice(0, 5)}***${key.slice(-3)}`;
}
