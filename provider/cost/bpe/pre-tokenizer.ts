/**
 * The two encodings' pre-tokenizers written out as scans, for texts too long for the regular
 * expression. V8 runs the pattern with a backtracking stack that grows with the length of a match
 * over non-Latin-1 letters, marks or punctuation: a run of about five million such characters
 * (a string the API still takes) throws "Maximum call stack size exceeded". These scans give the
 * same pre-tokens as the patterns (gpt-tokenizer's, which are tiktoken's), in one pass, whatever
 * the text; the patterns stay in use for shorter texts, where they are faster.
 *
 * o200k_base:  [^\r\n\p{L}\p{N}]?[Lu Lt Lm Lo M]*[Ll Lm Lo M]+('s|'t|...)?
 *            | [^\r\n\p{L}\p{N}]?[Lu Lt Lm Lo M]+[Ll Lm Lo M]*('s|'t|...)?
 *            | \p{N}{1,3} | ' '?[^\s\p{L}\p{N}]+[\r\n/]* | \s*[\r\n]+ | \s+(?!\S) | \s+
 * cl100k_base: '(s|t|re|ve|m|ll|d) | [^\r\n\p{L}\p{N}]?\p{L}+ | \p{N}{1,3}
 *            | ' '?[^\s\p{L}\p{N}]+[\r\n]* | \s+$ | \s*[\r\n] | \s+(?!\S) | \s
 */

const LU = 1;
const LL = 2;
const LT = 4;
const LM = 8;
const LO = 16;
const MARK = 32;
const NUMBER = 64;
const SPACE = 128;
const LETTER = LU | LL | LT | LM | LO;
/** Letters that may open an o200k word: upper and title case, modifiers, others, marks. */
const UPPER_LIKE = LU | LT | LM | LO | MARK;
/** Letters that may end an o200k word: lower case, modifiers, others, marks. */
const LOWER_LIKE = LL | LM | LO | MARK;

const CR = 0x0d;
const LF = 0x0a;
const SPACE_CHAR = 0x20;
const APOSTROPHE = 0x27;
const SLASH = 0x2f;

const CATEGORIES: [number, RegExp][] = [
  [LU, /\p{Lu}/u],
  [LL, /\p{Ll}/u],
  [LT, /\p{Lt}/u],
  [LM, /\p{Lm}/u],
  [LO, /\p{Lo}/u],
  [MARK, /\p{M}/u],
  [NUMBER, /\p{N}/u],
  [SPACE, /\s/u],
];

let basicPlane: Uint8Array | undefined;
const otherPlanes = new Map<number, number>();

/** The categories of a code point, as the patterns' classes see it. */
function categoriesOf(point: number): number {
  if (point < 0x10000) {
    basicPlane ??= basicPlaneCategories();
    return basicPlane[point]!;
  }
  let flags = otherPlanes.get(point);
  if (flags === undefined) {
    flags = 0;
    const text = String.fromCodePoint(point);
    for (const [flag, pattern] of CATEGORIES) if (pattern.test(text)) flags |= flag;
    otherPlanes.set(point, flags);
  }
  return flags;
}

/** Every code point of the basic plane, by category, in one pass per category. */
function basicPlaneCategories(): Uint8Array {
  const table = new Uint8Array(0x10000);
  const units: number[] = [];
  for (let point = 0; point < 0x10000; point += 1) {
    // Surrogates alone are no letter, number or space; leaving them out keeps pairs from forming.
    if (point < 0xd800 || point > 0xdfff) units.push(point);
  }
  const all = String.fromCharCode(...units);
  for (const [flag, pattern] of CATEGORIES) {
    const global = new RegExp(pattern.source, "gu");
    for (const match of all.matchAll(global)) table[match[0].charCodeAt(0)]! |= flag;
  }
  return table;
}

/** A text read by code point. */
class CodePoints {
  /** The code point at the last index read, and its length in UTF-16 units. */
  point = 0;
  width = 1;

  constructor(readonly text: string) {}

  /** Reads the code point at `index` (into `point`, `width`) and returns its categories. */
  at(index: number): number {
    const unit = this.text.charCodeAt(index);
    if (unit >= 0xd800 && unit <= 0xdbff && index + 1 < this.text.length) {
      const next = this.text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        this.point = (unit - 0xd800) * 0x400 + (next - 0xdc00) + 0x10000;
        this.width = 2;
        return categoriesOf(this.point);
      }
    }
    this.point = unit;
    this.width = 1;
    return categoriesOf(unit);
  }

  /** Where the run of code points in `categories` that starts at `index` ends. */
  runEnd(index: number, categories: number): number {
    let at = index;
    while (at < this.text.length && (this.at(at) & categories) !== 0) at += this.width;
    return at;
  }
}

/** Calls `sink(start, end)` for each pre-token of `text`, in order; they cover the text. */
export function preTokenize(
  text: string,
  encoding: "o200k_base" | "cl100k_base",
  sink: (start: number, end: number) => void,
): void {
  const points = new CodePoints(text);
  const next = encoding === "o200k_base" ? o200kEnd : cl100kEnd;
  for (let start = 0; start < text.length; ) {
    const end = next(points, start);
    sink(start, end);
    start = end;
  }
}

function o200kEnd(points: CodePoints, start: number): number {
  const text = points.text;
  const first = points.at(start);
  const firstWidth = points.width;
  const firstPoint = points.point;
  const prefix = isPrefix(firstPoint, first) && start + firstWidth < text.length;
  const from = prefix ? [start + firstWidth, start] : [start];
  for (const wordStart of from) {
    const end = upperThenLower(points, wordStart);
    if (end > wordStart) return afterContraction(text, end);
  }
  for (const wordStart of from) {
    const upperEnd = points.runEnd(wordStart, UPPER_LIKE);
    if (upperEnd > wordStart) return afterContraction(text, points.runEnd(upperEnd, LOWER_LIKE));
  }
  if ((first & NUMBER) !== 0) return numberEnd(points, start);
  const punctuation = punctuationEnd(points, start, firstPoint, first);
  if (punctuation > start) {
    let end = punctuation;
    while (end < text.length && isOneOf(text.charCodeAt(end), CR, LF, SLASH)) end += 1;
    return end;
  }
  return spaceEnd(points, start, "o200k_base");
}

function cl100kEnd(points: CodePoints, start: number): number {
  const text = points.text;
  if (text.charCodeAt(start) === APOSTROPHE) {
    const end = contractionEnd(text, start);
    if (end > start) return end;
  }
  const first = points.at(start);
  const firstWidth = points.width;
  const firstPoint = points.point;
  if (isPrefix(firstPoint, first) && start + firstWidth < text.length) {
    const lettersEnd = points.runEnd(start + firstWidth, LETTER);
    if (lettersEnd > start + firstWidth) return lettersEnd;
  }
  if ((first & LETTER) !== 0) return points.runEnd(start, LETTER);
  if ((first & NUMBER) !== 0) return numberEnd(points, start);
  const punctuation = punctuationEnd(points, start, firstPoint, first);
  if (punctuation > start) {
    let end = punctuation;
    while (end < text.length && isOneOf(text.charCodeAt(end), CR, LF)) end += 1;
    return end;
  }
  return spaceEnd(points, start, "cl100k_base");
}

/**
 * `[Lu Lt Lm Lo M]*[Ll Lm Lo M]+` from `start`, as the backtracking pattern takes it: the whole
 * run of upper-like letters, then the run of lower-like ones after it; or, when none follows,
 * the run up to its last lower-like letter. Returns `start` when it does not match.
 */
function upperThenLower(points: CodePoints, start: number): number {
  const text = points.text;
  let at = start;
  let lastLowerEnd = start;
  while (at < text.length) {
    const categories = points.at(at);
    if ((categories & UPPER_LIKE) === 0) break;
    at += points.width;
    if ((categories & LOWER_LIKE) !== 0) lastLowerEnd = at;
  }
  if (at < text.length && (points.at(at) & LOWER_LIKE) !== 0) return points.runEnd(at, LOWER_LIKE);
  return lastLowerEnd;
}

function numberEnd(points: CodePoints, start: number): number {
  let end = start;
  for (
    let digits = 0;
    digits < 3 && end < points.text.length && (points.at(end) & NUMBER) !== 0;
    digits += 1
  ) {
    end += points.width;
  }
  return end;
}

/** `' '?[^\s\p{L}\p{N}]+` from `start`; returns `start` when it does not match. */
function punctuationEnd(points: CodePoints, start: number, firstPoint: number, first: number): number {
  let from = start;
  if (firstPoint === SPACE_CHAR) {
    if (start + 1 >= points.text.length || !isPunctuation(points.at(start + 1))) return start;
    from = start + 1;
  } else if (!isPunctuation(first)) {
    return start;
  }
  let end = from;
  while (end < points.text.length && isPunctuation(points.at(end))) end += points.width;
  return end;
}

/** The whitespace alternatives, from a position that holds whitespace (any other code point: 1 long). */
function spaceEnd(points: CodePoints, start: number, encoding: "o200k_base" | "cl100k_base"): number {
  const text = points.text;
  const runEnd = points.runEnd(start, SPACE);
  if (runEnd === start) return start + points.width;
  // cl100k_base: \s+$ first.
  if (encoding === "cl100k_base" && runEnd === text.length) return runEnd;
  // \s*[\r\n]+ (o200k_base) or \s*[\r\n] (cl100k_base): up to the last line break of the run.
  for (let at = runEnd - 1; at >= start; at -= 1) {
    if (isOneOf(text.charCodeAt(at), CR, LF)) return at + 1;
  }
  // \s+(?!\S): the run, less its last space when something follows.
  if (runEnd === text.length) return runEnd;
  if (runEnd - start >= 2) return runEnd - 1;
  // \s+ or \s: one space.
  return start + 1;
}

function afterContraction(text: string, end: number): number {
  if (text.charCodeAt(end) !== APOSTROPHE) return end;
  const contraction = contractionEnd(text, end);
  return contraction > end ? contraction : end;
}

/** `'s`, `'d`, `'m`, `'t`, `'ll`, `'ve` or `'re` in any case, at an apostrophe; returns `start` when none. */
function contractionEnd(text: string, start: number): number {
  const first = text.charCodeAt(start + 1) | 0x20;
  if (first === 0x73 || first === 0x64 || first === 0x6d || first === 0x74) return start + 2;
  const second = text.charCodeAt(start + 2) | 0x20;
  if ((first === 0x6c && second === 0x6c) || ((first === 0x76 || first === 0x72) && second === 0x65)) {
    return start + 3;
  }
  return start;
}

/** `[^\r\n\p{L}\p{N}]`: what may stand before a word. */
function isPrefix(point: number, categories: number): boolean {
  return point !== CR && point !== LF && (categories & (LETTER | NUMBER)) === 0;
}

/** `[^\s\p{L}\p{N}]`: punctuation, symbols, marks and the like. */
function isPunctuation(categories: number): boolean {
  return (categories & (SPACE | LETTER | NUMBER)) === 0;
}

function isOneOf(unit: number, a: number, b: number, c = -1): boolean {
  return unit === a || unit === b || unit === c;
}
