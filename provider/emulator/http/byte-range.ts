/** What a `Range` header asks of a body of `size` bytes. */
export type ByteRangeRequest =
  | { kind: "whole" }
  | { kind: "part"; start: number; end: number }
  | { kind: "unsatisfiable" };

const SINGLE_RANGE = /^bytes=(\d*)-(\d*)$/;

/**
 * Reads a `Range` header for one byte range (`bytes=N-`, `bytes=N-M` or the suffix `bytes=-S`),
 * with `end` inclusive and clipped to the body. A header that is absent, malformed or asks for
 * several ranges is ignored (the whole body is sent), as HTTP allows; a range that starts past
 * the end is unsatisfiable.
 */
export function parseByteRange(header: string | undefined, size: number): ByteRangeRequest {
  const match = header === undefined ? null : SINGLE_RANGE.exec(header.trim());
  if (match === null) return { kind: "whole" };
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return { kind: "whole" };
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: "unsatisfiable" };
    return { kind: "part", start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Number(last);
  if (last !== "" && end < start) return { kind: "whole" };
  if (start >= size) return { kind: "unsatisfiable" };
  return { kind: "part", start, end: Math.min(end, size - 1) };
}
