/**
 * How deep a request line may nest objects and arrays; the line's own object is level 1. Real
 * requests stay far below it: the deepest structure the API documents, a strict structured-output
 * schema of 10 object levels, nests about 45 levels deep in a request line (each schema level is a
 * `properties` object and the property's own schema, or `items`, or `anyOf` and one of its
 * schemas). Common JSON parsers accept it: serde_json stops at 128 levels, Python's `json` at its
 * recursion limit of 1,000.
 */
export const MAX_NESTING_DEPTH = 100;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * Where JSON text first nests deeper than `max` levels: the 1-based column of the bracket or brace
 * that opens level `max + 1`, or undefined. It reads the text once and holds a counter, never the
 * parsed value, so a line nested a million levels deep costs what its bytes cost. Brackets inside
 * strings do not count; mismatched brackets are left to the JSON parser.
 */
export function nestingDeeperThan(text: string, max: number = MAX_NESTING_DEPTH): number | undefined {
  if (!opensMoreThan(text, max)) return undefined;
  let depth = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      index = closingQuote(text, index);
    } else if (code === OPEN_BRACKET || code === OPEN_BRACE) {
      depth += 1;
      if (depth > max) return index + 1;
    } else if (code === CLOSE_BRACKET || code === CLOSE_BRACE) {
      depth -= 1;
    }
  }
  return undefined;
}

/** The index of the quote that closes the string opened at `open`, or the end of the text. */
function closingQuote(text: string, open: number): number {
  for (let quote = text.indexOf('"', open + 1); quote !== -1; quote = text.indexOf('"', quote + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return quote;
  }
  return text.length;
}

/**
 * Whether the text holds more than `max` opening brackets and braces, strings included: a cheap
 * bound (the search is native) that lets most lines skip the exact scan, as no line nests deeper
 * than the number of containers it opens.
 */
function opensMoreThan(text: string, max: number): boolean {
  let count = 0;
  for (const char of ["{", "["]) {
    for (let index = text.indexOf(char); index !== -1; index = text.indexOf(char, index + 1)) {
      count += 1;
      if (count > max) return true;
    }
  }
  return false;
}
