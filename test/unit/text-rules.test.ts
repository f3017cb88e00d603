import { isUtf8 } from "node:buffer";
import { describe, expect, test } from "vitest";
import {
  findLoneSurrogate,
  findNonFiniteNumber,
  firstInvalidUtf8,
  mayHoldLoneSurrogate,
} from "../../provider/validation/jsonl/text-rules";

const lone = (written: string) =>
  `holds a lone surrogate (${written} without its pair), which is not valid Unicode text; the API refuses it, so fix the text or its escapes`;
const nonFinite = (value: string) =>
  `is ${value}, which JSON cannot hold (it would be sent as null); use a finite number`;

describe("firstInvalidUtf8: the first byte not in a well-formed sequence", () => {
  test.each([
    ["ASCII", [0x41, 0x42], -1],
    ["the smallest two-byte sequence", [0xc2, 0x80], -1],
    ["the largest two-byte sequence", [0xdf, 0xbf], -1],
    ["the smallest three-byte sequence", [0xe0, 0xa0, 0x80], -1],
    ["the euro sign", [0xe2, 0x82, 0xac], -1],
    ["the largest three-byte sequence", [0xef, 0xbf, 0xbf], -1],
    ["the smallest four-byte sequence", [0xf0, 0x90, 0x80, 0x80], -1],
    ["the largest code point", [0xf4, 0x8f, 0xbf, 0xbf], -1],
    ["a continuation byte alone", [0x41, 0x80], 1],
    ["an overlong two-byte lead", [0xc1, 0x80], 0],
    ["an overlong three-byte sequence", [0xe0, 0x80, 0x80], 0],
    ["an overlong four-byte sequence", [0xf0, 0x80, 0x80, 0x80], 0],
    ["an encoded surrogate, low end", [0xed, 0xa0, 0x80], 0],
    ["an encoded surrogate, high end", [0xed, 0xbf, 0xbf], 0],
    ["the last code point before the surrogates", [0xed, 0x9f, 0xbf], -1],
    ["a code point past U+10FFFF", [0xf4, 0x90, 0x80, 0x80], 0],
    ["a lead byte past F4", [0xf5, 0x80, 0x80, 0x80], 0],
    ["a sequence cut short at the end", [0x41, 0xe2, 0x82], 1],
    ["a sequence cut by ASCII", [0xc3, 0x28], 0],
    ["FF", [0x41, 0x42, 0xff], 2],
  ])("%s: %o gives %i", (_name, bytes, expected) => {
    const buffer = Uint8Array.from(bytes);
    expect(firstInvalidUtf8(buffer)).toBe(expected);
    // Node's own check agrees on whether the bytes are UTF-8 at all.
    expect(firstInvalidUtf8(buffer) === -1).toBe(isUtf8(buffer));
  });
});

describe("mayHoldLoneSurrogate: a surrogate escape in JSON text", () => {
  test.each([
    ["\\ud800", true],
    ["\\uD83D", true],
    ["\\udc00", true],
    ["\\uDFFF", true],
    ["\\ud7ff", false],
    ["\\ue000", false],
    ["\\u0041", false],
    ["ud800", false],
  ])("%s: %s", (text, expected) => {
    expect(mayHoldLoneSurrogate(`"${text}"`)).toBe(expected);
  });
});

describe("findLoneSurrogate: the first string or key with a surrogate out of its pair", () => {
  test.each([
    ["a high surrogate alone", "\ud800", { path: "", problem: lone("\\ud800") }],
    ["a low surrogate alone", "a\udc00", { path: "", problem: lone("\\udc00") }],
    ["a high surrogate before a letter", "\udbffx", { path: "", problem: lone("\\udbff") }],
    ["a pair the wrong way round", "\udc00\ud800", { path: "", problem: lone("\\udc00") }],
    ["a pair", "\ud83d\ude00", undefined],
    ["the last pair", "\udbff\udfff", undefined],
    [
      "the first in depth-first order",
      [{ a: 1, b: "\ud800" }, "\udc00"],
      { path: "[0].b", problem: lone("\\ud800") },
    ],
    ["a key", { ok: "x", "k\ud800": 1 }, { path: "", problem: `has a key that ${lone("\\ud800")}` }],
    ["a nested key", { a: { "\udc01": 1 } }, { path: "a", problem: `has a key that ${lone("\\udc01")}` }],
  ])("%s", (_name, value, expected) => {
    expect(findLoneSurrogate(value)).toEqual(expected);
  });
});

describe("findNonFiniteNumber: where a number JSON cannot hold is", () => {
  test.each([
    ["NaN alone", Number.NaN, { path: "", problem: nonFinite("NaN") }],
    ["Infinity in an array", [1, Number.POSITIVE_INFINITY], { path: "[1]", problem: nonFinite("Infinity") }],
    [
      "-Infinity under a key",
      { a: Number.NEGATIVE_INFINITY },
      { path: "a", problem: nonFinite("-Infinity") },
    ],
    ["a name-like key", { $a_1: { b2: [0, Number.NaN] } }, { path: "$a_1.b2[1]", problem: nonFinite("NaN") }],
    [
      "a key with a space",
      { "my key": { x: Number.NaN } },
      { path: '["my key"].x', problem: nonFinite("NaN") },
    ],
    ["a key starting with a digit", { "1a": Number.NaN }, { path: '["1a"]', problem: nonFinite("NaN") }],
    [
      "a key with a dash, nested",
      { a: { "b-c": Number.NaN } },
      { path: 'a["b-c"]', problem: nonFinite("NaN") },
    ],
    [
      "the first of two",
      { a: [Number.NaN], b: Number.POSITIVE_INFINITY },
      { path: "a[0]", problem: nonFinite("NaN") },
    ],
    ["finite numbers only", { a: [0, -1.5, 1e308], b: null }, undefined],
  ])("%s", (_name, value, expected) => {
    expect(findNonFiniteNumber(value)).toEqual(expected);
  });
});
