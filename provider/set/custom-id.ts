import { hashBytes, hashText } from "./line-hash";

/** `{"custom_id":"` — how a compact request line starts; such a line takes the fast path. */
const PREFIX = Buffer.from('{"custom_id":"', "utf8");
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export type CustomIdOf = { ok: true; customId: string; hash: number } | { ok: false; reason: string };

/**
 * The `custom_id` of one request line and its hash. A line that starts with `{"custom_id":"` and
 * whose id has no escape is read without parsing the JSON (most lines, and the fast path of the
 * split); any other line is parsed. The hash is of the id's UTF-8 bytes either way, so the two
 * paths agree.
 */
export function customIdOf(line: Uint8Array, start: number, end: number): CustomIdOf {
  if (startsWithPrefix(line, start, end)) {
    const from = start + PREFIX.length;
    for (let i = from; i < end; i++) {
      const byte = line[i];
      if (byte === BACKSLASH) break;
      if (byte === QUOTE) {
        if (i === from) break;
        return {
          ok: true,
          customId: Buffer.from(line.buffer, line.byteOffset + from, i - from).toString("utf8"),
          hash: hashBytes(line, from, i),
        };
      }
    }
  }
  return parsedCustomId(Buffer.from(line.buffer, line.byteOffset + start, end - start).toString("utf8"));
}

function startsWithPrefix(line: Uint8Array, start: number, end: number): boolean {
  if (end - start < PREFIX.length) return false;
  for (let i = 0; i < PREFIX.length; i++) {
    if (line[start + i] !== PREFIX[i]) return false;
  }
  return true;
}

function parsedCustomId(text: string): CustomIdOf {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `is not valid JSON (${(error as Error).message})` };
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return { ok: false, reason: "is not a JSON object; each line must be one request object" };
  }
  const id = (parsed as { custom_id?: unknown }).custom_id;
  if (typeof id !== "string" || id === "") {
    return { ok: false, reason: "has no custom_id; every request needs a non-empty string custom_id" };
  }
  return { ok: true, customId: id, hash: hashText(id) };
}
