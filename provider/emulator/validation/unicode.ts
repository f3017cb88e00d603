import { isUtf8 } from "node:buffer";

/** A `\uD800`–`\uDFFF` escape: only lines with one can decode to a lone surrogate. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when the bytes are well-formed UTF-8 (the service reads input files as UTF-8 only). */
export function isUtf8Line(bytes: Uint8Array): boolean {
  return isUtf8(bytes);
}

/**
 * True when a parsed line holds a string or key with a lone surrogate, which JSON escapes can
 * write (`"\ud800"`) but which is not Unicode text. `text` is the line as read, used to skip the
 * walk for the lines that cannot hold one.
 */
export function holdsLoneSurrogate(text: string, value: unknown): boolean {
  if (!SURROGATE_ESCAPE.test(text)) return false;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === "string") {
      if (LONE_SURROGATE.test(item)) return true;
    } else if (Array.isArray(item)) {
      for (const child of item) pending.push(child);
    } else if (typeof item === "object" && item !== null) {
      for (const [key, child] of Object.entries(item)) {
        if (LONE_SURROGATE.test(key)) return true;
        pending.push(child);
      }
    }
  }
  return false;
}
