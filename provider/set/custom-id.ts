import { locateJsonError } from "../validation/jsonl/json-syntax";
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
  const close = fastIdEnd(line, start, end);
  if (close !== -1) {
    const from = start + PREFIX.length;
    return {
      ok: true,
      customId: Buffer.from(line.buffer, line.byteOffset + from, close - from).toString("utf8"),
      hash: hashBytes(line, from, close),
    };
  }
  return parsedCustomId(Buffer.from(line.buffer, line.byteOffset + start, end - start).toString("utf8"));
}

/**
 * The hash of a line's custom_id when the line takes the fast path, without decoding the id;
 * undefined when it does not (then `customIdOf` parses it). Equal to `customIdOf(...).hash`.
 */
export function fastCustomIdHash(line: Uint8Array, start: number, end: number): number | undefined {
  const close = fastIdEnd(line, start, end);
  return close === -1 ? undefined : hashBytes(line, start + PREFIX.length, close);
}

/** Where the id of a fast-path line ends (its closing quote), or -1 for a line that needs parsing. */
function fastIdEnd(line: Uint8Array, start: number, end: number): number {
  if (!startsWithPrefix(line, start, end)) return -1;
  const from = start + PREFIX.length;
  for (let i = from; i < end; i++) {
    const byte = line[i];
    if (byte === BACKSLASH) return -1;
    if (byte === QUOTE) return i === from ? -1 : i;
  }
  return -1;
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
  } catch {
    // V8's message quotes the line, and a line may hold a secret: say where it breaks instead.
    const where = locateJsonError(text);
    return {
      ok: false,
      reason:
        where === undefined
          ? "is not valid JSON"
          : `is not valid JSON: ${where.problem} (column ${where.column})`,
    };
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
