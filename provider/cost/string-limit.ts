/**
 * The longest string the API takes anywhere in a request: 10,485,760 characters. A longer one is
 * refused with `string_above_max_length` ("Invalid 'messages[0].content': string too long.
 * Expected a string with maximum length 10485760"); the OpenAPI spec gives the same `maxLength`
 * to text inputs (`input_text.text`, a function call's `output`). Such a request fails whatever
 * its tokens, so it is not counted, and a line that holds one is not read into memory.
 */
export const MAX_STRING_CHARS = 10_485_760;

/**
 * True when a text has more characters (code points, as the API counts them) than the API takes.
 * `limit` is the API's but for tests, which check the counting at small sizes.
 */
export function isOverStringLimit(text: string, limit = MAX_STRING_CHARS): boolean {
  if (text.length <= limit) return false;
  let characters = 0;
  for (let index = 0; index < text.length; index += 1) {
    const unit = text.charCodeAt(index);
    // The second half of a surrogate pair is part of the character before it.
    if (unit < 0xdc00 || unit > 0xdfff || index === 0 || !isHighSurrogate(text.charCodeAt(index - 1))) {
      characters += 1;
    }
  }
  return characters > limit;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LETTER_U = 0x75;

/**
 * Reads the raw bytes of a JSON line as they arrive and tells, without parsing or keeping them,
 * whether one of its strings has more characters than the API takes. A character is a UTF-8
 * sequence (its continuation bytes are not counted) or an escape (`\n`, `\u00e9`; an escaped
 * surrogate pair is one character). `limit` is the API's but for tests, as for `isOverStringLimit`.
 */
export class LongStringScanner {
  /** Set once a string over the limit has been seen. */
  overLimit = false;
  private inString = false;
  /** 0: not in an escape; 1: after the backslash; 2 to 5: reading the 4 hex digits of `\u`. */
  private escape = 0;
  private unit = 0;
  private afterHighSurrogate = false;
  private characters = 0;

  constructor(private readonly limit = MAX_STRING_CHARS) {}

  push(bytes: Buffer, from = 0, to = bytes.length): void {
    for (let index = from; index < to && !this.overLimit; index += 1) {
      const byte = bytes[index]!;
      if (!this.inString) {
        if (byte === QUOTE) {
          this.inString = true;
          this.characters = 0;
          this.afterHighSurrogate = false;
        }
        continue;
      }
      if (this.escape === 1) {
        if (byte === LETTER_U) {
          this.escape = 2;
          this.unit = 0;
        } else {
          this.escape = 0;
          this.count(false);
        }
      } else if (this.escape > 1) {
        this.unit = this.unit * 16 + hexValue(byte);
        this.escape += 1;
        if (this.escape === 6) {
          this.escape = 0;
          const low = this.unit >= 0xdc00 && this.unit <= 0xdfff;
          this.count(low && this.afterHighSurrogate, isHighSurrogate(this.unit));
        }
      } else if (byte === BACKSLASH) {
        this.escape = 1;
      } else if (byte === QUOTE) {
        this.inString = false;
      } else if ((byte & 0xc0) !== 0x80) {
        this.count(false);
      }
    }
  }

  private count(joinsPrevious: boolean, highSurrogate = false): void {
    if (!joinsPrevious) this.characters += 1;
    this.afterHighSurrogate = highSurrogate && !joinsPrevious;
    if (this.characters > this.limit) this.overLimit = true;
  }
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  return 0;
}
