import { describe, expect, test } from "vitest";
import { locateJsonError } from "../../provider/validation/jsonl/json-syntax";

// Where each text stops being JSON and what is named there: JSON's own punctuation is quoted,
// anything else is described by its kind, never repeated.
const ERRORS: [string, number, string][] = [
  ["{", 2, "the line ends before '}' closes what it opened"],
  ["}", 1, "expected a value, found '}'"],
  ["[", 2, "the line ends before ']' closes what it opened"],
  ["]", 1, "expected a value, found ']'"],
  [":", 1, "expected a value, found ':'"],
  [",", 1, "expected a value, found ','"],
  ['"', 1, "a string is not closed before the end of the line"],
  ["x", 1, "expected a value, found a word that is not a JSON value (strings need double quotes)"],
  ["1 2", 3, "a number after the end of the JSON value; put one request per line"],
  ['{"a":1 "b":2}', 8, "expected ',' or '}', found '\"'"],
  ["[1,]", 4, "expected a value, found ']'"],
  ["{,}", 2, "expected a key in double quotes, found ','"],
  ['{"a":1}}', 8, "'}' after the end of the JSON value; put one request per line"],
  ["[1]]", 4, "']' after the end of the JSON value; put one request per line"],
  ["{1:2}", 2, "expected a key in double quotes, found a number"],
  ["[}", 2, "expected a value, found '}'"],
  ['{"a":]', 6, "expected a value, found ']'"],
  ["NaN", 1, "NaN is not a JSON value; write a number, or null"],
  ["-Infinity", 1, "-Infinity is not a JSON value; write a number, or null"],
  ["Infinity", 1, "Infinity is not a JSON value; write a number, or null"],
  ["undefined", 1, "undefined is not a JSON value; write a number, or null"],
  ["[NaN]", 2, "NaN is not a JSON value; write a number, or null"],
  ["'a'", 1, "a string in single quotes; JSON strings use double quotes"],
  ["-", 1, "expected a value, found a number"],
  ["01", 2, "a number after the end of the JSON value; put one request per line"],
  [
    "1.",
    2,
    "a character that JSON does not allow there after the end of the JSON value; put one request per line",
  ],
  [".5", 1, "expected a value, found a character that JSON does not allow there"],
  [
    "1e",
    2,
    "a word that is not a JSON value (strings need double quotes) after the end of the JSON value; put one request per line",
  ],
  [
    "1e+",
    2,
    "a word that is not a JSON value (strings need double quotes) after the end of the JSON value; put one request per line",
  ],
  ["+1", 1, "expected a value, found a character that JSON does not allow there"],
  ["é", 1, "expected a value, found a word that is not a JSON value (strings need double quotes)"],
  ["\u0001", 1, "expected a value, found a character that JSON does not allow there"],
  ["@", 1, "expected a value, found a character that JSON does not allow there"],
  ['{"a":"\u001f"}', 7, "a control character (such as a tab or newline) inside a string; escape it"],
  ['"\\u00e"', 2, "a \\u escape needs four hexadecimal digits"],
  ['"\\q"', 2, "an escape that JSON does not have; use \\\\ for a backslash"],
  ['"\\', 2, "an escape that JSON does not have; use \\\\ for a backslash"],
  ['"\\"', 1, "a string is not closed before the end of the line"],
  ['"abc', 1, "a string is not closed before the end of the line"],
  [
    "true false",
    6,
    "a word that is not a JSON value (strings need double quotes) after the end of the JSON value; put one request per line",
  ],
  ["tru", 1, "expected a value, found a word that is not a JSON value (strings need double quotes)"],
  ["nul", 1, "expected a value, found a word that is not a JSON value (strings need double quotes)"],
  ["\u00a01", 1, "expected a value, found a character that JSON does not allow there"],
  ['{"a"', 5, "the line ends before '}' closes what it opened"],
  ['{"a":', 6, "the line ends before '}' closes what it opened"],
  ["[1,", 4, "the line ends before ']' closes what it opened"],
  ['{"a":[1', 8, "the line ends before ']' closes what it opened"],
  ["  ", 3, "the line ends where a value was expected"],
  ["1 {", 3, "'{' after the end of the JSON value; put one request per line"],
];

// Valid JSON of every kind: each number form, every escape, white space around and inside.
const VALID = [
  "-0",
  "0",
  "0.5",
  "10",
  "123",
  "-1.25",
  "1e5",
  "1E5",
  "1e+5",
  "1e-5",
  "-12.5E-10",
  "0e0",
  "1.05e12",
  "[1.5e3,-0,20,300]",
  '"\\uABCD"',
  '"\\uabcdX"',
  '"x\\u12345"',
  '"\\/\\b\\f\\n\\r\\t\\"\\\\"',
  '{"a":" "}',
  "[true,false,null]",
  " \t\r\n1\r\n",
  '{ "a" : [ 1 , { "b" : null } ] , "c" : "d" }',
  "[[],{},[[]]]",
];

describe("locateJsonError: the first place a text stops being JSON", () => {
  test.each(ERRORS)("%j fails at column %i: %s", (text, column, problem) => {
    expect(locateJsonError(text)).toEqual({ column, problem });
  });

  test.each(VALID)("%j is valid", (text) => {
    expect(locateJsonError(text)).toBeUndefined();
  });

  test.each([...ERRORS.map(([text]) => text), ...VALID])(
    "%j: an error exactly when JSON.parse refuses it",
    (text) => {
      let parses = true;
      try {
        JSON.parse(text);
      } catch {
        parses = false;
      }
      expect(locateJsonError(text) === undefined).toBe(parses);
    },
  );
});
