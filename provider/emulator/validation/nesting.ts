/**
 * The deepest nesting of objects and arrays the emulator's validator accepts in a line (the line's
 * own object is level 1), the bound the package's documentation gives. A deeper line fails
 * validation before it is parsed, so that no part of the emulator builds (or walks) its value.
 */
export const MAX_LINE_DEPTH = 100;

/** True when the JSON text opens more than `limit` objects or arrays inside one another. */
export function nestsDeeperThan(text: string, limit: number = MAX_LINE_DEPTH): boolean {
  // Most lines open fewer containers than the limit in all, strings included: nothing to walk.
  if (countOpenings(text, limit + 1) <= limit) return false;
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (escaped) escaped = false;
      else if (char === 0x5c) escaped = true;
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x7b || char === 0x5b) {
      depth++;
      if (depth > limit) return true;
    } else if (char === 0x7d || char === 0x5d) {
      depth--;
    }
  }
  return false;
}

/** How many `{` and `[` the text holds, counting no further than `enough`. */
function countOpenings(text: string, enough: number): number {
  let count = 0;
  for (const opening of ["{", "["]) {
    let at = text.indexOf(opening);
    while (at !== -1 && count < enough) {
      count++;
      at = text.indexOf(opening, at + 1);
    }
  }
  return count;
}
