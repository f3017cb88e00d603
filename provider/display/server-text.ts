/**
 * Text a server sent, made fit to show a person. A server's codes, messages and ids reach the
 * terminal through error messages, summaries and progress lines; a control character in them
 * would act there (clear the screen, set the title, move the cursor, end a line and start a fake
 * one, turn the text around). Each is escaped, so that the text reads as it was sent and does
 * nothing. Data (the JSON of a results file) is never passed through here.
 */

/** What a cut text ends with. */
export const CUT_MARK = "…(cut)";

/**
 * The characters escaped: C0 controls but the tab (newlines and carriage returns too: in one
 * line of a message they would start a fake one), DEL, C1 controls, the line and paragraph
 * separators, and the bidirectional marks, embeddings, overrides and isolates.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what it is for
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/**
 * `text` with every character a terminal would act on written as an escape (`\n`, `\r`,
 * `\x1b`, `\u202e`), cut to `maxChars` characters (marked `…(cut)`) when it is longer.
 */
export function displayable(text: string, maxChars: number = Number.POSITIVE_INFINITY): string {
  const kept = text.length > maxChars ? `${cutAt(text, maxChars)}${CUT_MARK}` : text;
  return kept.replace(UNSAFE, escapeOf);
}

/**
 * JSON text for a person's screen, meaning the same: characters that JSON leaves raw but a
 * terminal acts on (DEL, C1, separators, bidirectional marks) become `\uXXXX` escapes, which
 * decode to the same string. (`JSON.stringify` escapes the C0 controls itself.)
 */
export function displayableJson(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (char) => `\\u${hex(char, 4)}`);
}

/** `UNSAFE` less the C0 controls, which JSON escapes in strings and uses as white space between them. */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/** `text` with every occurrence of `key` replaced by `***` (keys shorter than 4 characters are left alone). */
export function scrubKey(text: string, key: string | undefined): string {
  return key !== undefined && key.length >= 4 ? text.split(key).join("***") : text;
}

function escapeOf(char: string): string {
  if (char === "\n") return "\\n";
  if (char === "\r") return "\\r";
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${hex(char, 2)}` : `\\u${hex(char, 4)}`;
}

function hex(char: string, digits: number): string {
  return char.charCodeAt(0).toString(16).padStart(digits, "0");
}

/** The first `count` characters, without splitting a surrogate pair. */
function cutAt(text: string, count: number): string {
  const last = text.charCodeAt(count - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? count - 1 : count);
}
