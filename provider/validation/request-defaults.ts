import { isUnknown } from "./unknowns";

/** The method every batch request line uses; the default of an inline request without one. */
export const DEFAULT_REQUEST_METHOD = "POST";

/**
 * Inline request lines with `method` and `url` filled in where the program left them out:
 * `"POST"` and the batch's endpoint. Check applies this before the lines are hashed and
 * validated, so the uploaded bytes are complete and the sha256 depends only on what is uploaded.
 * A line that already has both is returned as it is (the same object, so the same bytes as
 * before); a filled line gets the keys in the API's order: custom_id, method, url, then the rest.
 * Returns `undefined` when a line lacks its url and the endpoint is not known yet (preview), since
 * the complete bytes cannot be known then.
 */
export function withRequestDefaults(requests: readonly unknown[], endpoint: unknown): unknown[] | undefined {
  const knownEndpoint = typeof endpoint === "string" && !isUnknown(endpoint) ? endpoint : undefined;
  const filled: unknown[] = [];
  for (const line of requests) {
    if (typeof line !== "object" || line === null || Array.isArray(line)) {
      filled.push(line);
      continue;
    }
    const record = line as Record<string, unknown>;
    const hasMethod = record.method !== undefined;
    const hasUrl = record.url !== undefined;
    if (hasMethod && hasUrl) {
      filled.push(line);
      continue;
    }
    if (!hasUrl && knownEndpoint === undefined) {
      return undefined;
    }
    const ordered: Record<string, unknown> = {};
    if (record.custom_id !== undefined) ordered.custom_id = record.custom_id;
    ordered.method = hasMethod ? record.method : DEFAULT_REQUEST_METHOD;
    ordered.url = hasUrl ? record.url : knownEndpoint;
    for (const [key, value] of Object.entries(record)) {
      if (value !== undefined && !(key in ordered)) ordered[key] = value;
    }
    filled.push(ordered);
  }
  return filled;
}
