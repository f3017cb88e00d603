/**
 * Checks on text that JSON.parse lets through but the API refuses: bytes that are not UTF-8,
 * lone surrogates (`"\ud800"` escapes without their pair), and, in values that never went through
 * JSON text (inline requests), numbers JSON cannot hold (NaN, Infinity).
 */

/** What is wrong with a file that starts with a byte-order mark, and how to fix it. */
export const BYTE_ORDER_MARK_PROBLEM =
  "the file starts with a UTF-8 byte-order mark (the bytes EF BB BF); save it as UTF-8 without a BOM, or delete those first three bytes";

/** The offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index]!;
    let length: number;
    let min: number;
    if (lead < 0x80) {
      index += 1;
      continue;
    } else if (lead >= 0xc2 && lead <= 0xdf) {
      length = 2;
      min = 0x80;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      min = 0x800;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      min = 0x10000;
    } else {
      return index;
    }
    let codePoint = lead & (0xff >> (length + 1));
    for (let offset = 1; offset < length; offset += 1) {
      const next = bytes[index + offset];
      if (next === undefined || (next & 0xc0) !== 0x80) {
        return index;
      }
      codePoint = (codePoint << 6) | (next & 0x3f);
    }
    if (codePoint < min || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
      return index;
    }
    index += length;
  }
  return -1;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** A `\uD800`–`\uDFFF` escape in JSON text: only such lines can hold a lone surrogate. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/** True when JSON text may decode to a lone surrogate (a cheap test before walking the value). */
export function mayHoldLoneSurrogate(jsonText: string): boolean {
  return SURROGATE_ESCAPE.test(jsonText);
}

/** Something in a value that the API cannot take, and where it is (e.g. `body.messages[0].content`). */
export interface BadValue {
  path: string;
  problem: string;
}

/** The first string or key holding a lone surrogate, or undefined. */
export function findLoneSurrogate(value: unknown): BadValue | undefined {
  return walk(value, (item) => {
    if (typeof item === "string") {
      const match = LONE_SURROGATE.exec(item);
      return match === null ? undefined : loneSurrogateProblem(match[0]);
    }
    return undefined;
  });
}

/** The first number JSON cannot hold (NaN, Infinity, -Infinity), or undefined. */
export function findNonFiniteNumber(value: unknown): BadValue | undefined {
  return walk(value, (item) =>
    typeof item === "number" && !Number.isFinite(item)
      ? `is ${String(item)}, which JSON cannot hold (it would be sent as null); use a finite number`
      : undefined,
  );
}

function loneSurrogateProblem(surrogate: string): string {
  const written = `\\u${surrogate.charCodeAt(0).toString(16).padStart(4, "0")}`;
  return `holds a lone surrogate (${written} without its pair), which is not valid Unicode text; the API refuses it, so fix the text or its escapes`;
}

/** Visits every value and key depth first (without recursion); stops at the first problem. */
function walk(root: unknown, judge: (value: unknown) => string | undefined): BadValue | undefined {
  const stack: { value: unknown; path: string }[] = [{ value: root, path: "" }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { value, path } = next;
    const problem = judge(value);
    if (problem !== undefined) {
      return { path, problem };
    }
    if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index -= 1) {
        stack.push({ value: value[index], path: `${path}[${index}]` });
      }
    } else if (typeof value === "object" && value !== null) {
      const keys = Object.keys(value);
      for (const key of keys) {
        const problem = judge(key);
        if (problem !== undefined) {
          return { path, problem: `has a key that ${problem}` };
        }
      }
      for (let index = keys.length - 1; index >= 0; index -= 1) {
        const key = keys[index]!;
        stack.push({ value: (value as Record<string, unknown>)[key], path: joinPath(path, key) });
      }
    }
  }
  return undefined;
}

function joinPath(path: string, key: string): string {
  if (!/^[A-Za-z_$][\w$]*$/.test(key)) {
    return `${path}[${JSON.stringify(key)}]`;
  }
  return path === "" ? key : `${path}.${key}`;
}
