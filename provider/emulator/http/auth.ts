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

/** How a mount takes its key: as a bearer token, in an `api-key` header, or both; and any Entra ID token. */
export interface KeyRule {
  bearerKey: boolean;
  apiKeyHeader: boolean;
  /** Azure: a Microsoft Entra ID token, taken as a bearer token on every mount. */
  entraToken?: string | undefined;
}

/**
 * Checks the key of a request to a mount that takes it in an `api-key` header (Azure), as a bearer
 * token, or both; returns the error to answer, or undefined when the key (or the Entra ID token)
 * matches.
 */
export function checkKey(headers: IncomingHttpHeaders, apiKey: string, rule: KeyRule): ApiError | undefined {
  const header = headers["api-key"];
  const given = typeof header === "string" ? header.trim() : "";
  if (rule.apiKeyHeader && given !== "") {
    return sameKey(given, apiKey) ? undefined : incorrectApiKey(maskKey(given));
  }
  const bearer = /^Bearer\s+(.+)$/i.exec((headers.authorization ?? "").trim())?.[1]?.trim() ?? "";
  if (bearer !== "" && rule.entraToken !== undefined && sameKey(bearer, rule.entraToken)) return undefined;
  if (rule.bearerKey) return checkBearer(headers, apiKey);
  return bearer === "" ? missingApiKey() : incorrectApiKey(maskKey(bearer));
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
