import { describe, expect, test } from "vitest";
import { displayable, displayableJson, scrubKey } from "../../provider/display";

const ESC = "\u001b";

describe("displayable", () => {
  test.each([
    ["plain text stays as it is", "server_error: try again", "server_error: try again"],
    ["a tab stays", "a\tb", "a\tb"],
    ["clear screen", `${ESC}[2J${ESC}[H`, "\\x1b[2J\\x1b[H"],
    ["an OSC title ended by BEL", `${ESC}]0;owned\u0007x`, "\\x1b]0;owned\\x07x"],
    ["a fake line", "ok\nDone: all 100 requests succeeded", "ok\\nDone: all 100 requests succeeded"],
    ["a carriage return that would overwrite the line", "bad\rgood", "bad\\rgood"],
    ["NUL and DEL", "a\u0000b\u007fc", "a\\x00b\\x7fc"],
    ["C1: CSI and OSC as single characters", "\u009b2J\u009d0;t\u009c", "\\x9b2J\\x9d0;t\\x9c"],
    ["a right-to-left override", "file\u202etxt.exe", "file\\u202etxt.exe"],
    ["isolates and marks", "\u2066a\u2069\u200e\u200f\u061c", "\\u2066a\\u2069\\u200e\\u200f\\u061c"],
    ["line and paragraph separators", "a\u2028b\u2029c", "a\\u2028b\\u2029c"],
    ["letters of any script stay", "café – 日本語 – 🙂", "café – 日本語 – 🙂"],
  ])("%s", (_case, text, shown) => {
    expect(displayable(text)).toBe(shown);
  });

  test("a long text is cut to the given length and marked", () => {
    expect(displayable("x".repeat(50), 10)).toBe("xxxxxxxxxx…(cut)");
    expect(displayable("short", 10)).toBe("short");
  });

  test("a cut never splits a surrogate pair, and escapes come after the cut", () => {
    expect(displayable("abc🙂def", 4)).toBe("abc…(cut)");
    expect(displayable(`${ESC}${ESC}${ESC}`, 2)).toBe("\\x1b\\x1b…(cut)");
  });

  test("escaping twice changes nothing more", () => {
    const once = displayable(`${ESC}[31m\u009b\u202e\n`);
    expect(displayable(once)).toBe(once);
  });
});

describe("displayableJson", () => {
  test("raw DEL, C1 and bidi characters become \\u escapes that decode to the same value", () => {
    const value = { code: "x\u009b2J\u202e\u007f", message: `${ESC}[2J` };
    const json = JSON.stringify(value);
    const shown = displayableJson(json);
    expect(shown).toBe('{"code":"x\\u009b2J\\u202e\\u007f","message":"\\u001b[2J"}');
    expect(JSON.parse(shown)).toEqual(value);
  });

  test("a pretty-printed document keeps its line breaks and indentation", () => {
    const value = { error: { code: "\u009b", message: "a\nb" } };
    const json = JSON.stringify(value, null, 2);
    expect(displayableJson(json)).toBe(json.replace("\u009b", "\\u009b"));
    expect(JSON.parse(displayableJson(json))).toEqual(value);
  });
});

describe("scrubKey", () => {
  test("every occurrence is replaced; short or missing keys leave the text alone", () => {
    expect(scrubKey("sk-abcd and sk-abcd!", "sk-abcd")).toBe("*** and ***!");
    expect(scrubKey("abc", "abc")).toBe("abc");
    expect(scrubKey("text", undefined)).toBe("text");
  });
});
