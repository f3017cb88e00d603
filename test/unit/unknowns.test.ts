import { describe, expect, test } from "vitest";
import { containsUnknown, isUnknown, UNKNOWN_SENTINELS } from "../../provider/validation/unknowns";

// Pulumi's sentinels for values not known yet, one per type of value.
const SENTINELS = [
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "030794c1-ac77-496b-92df-f27374a8bd58",
  "e48ece36-62e2-4504-bad9-02848725956a",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
];

describe("unknown values", () => {
  test("the sentinels are Pulumi's seven and no others", () => {
    expect([...UNKNOWN_SENTINELS].sort()).toEqual([...SENTINELS].sort());
  });

  test.each(SENTINELS)("%s is unknown, alone, in an array and deep in an object", (sentinel) => {
    expect(isUnknown(sentinel)).toBe(true);
    expect(containsUnknown(sentinel)).toBe(true);
    expect(containsUnknown(["known", sentinel])).toBe(true);
    expect(containsUnknown({ a: "known", b: { c: [1, sentinel] } })).toBe(true);
  });

  test.each([
    ["another string", "04da6b54-80e4-46f7-96ec-b56ff0331ba8"],
    ["the empty string", ""],
    ["null", null],
    ["undefined", undefined],
    ["a number", 0],
    ["a boolean", true],
    ["an empty array", []],
    ["an empty object", {}],
    ["known values nested", { a: ["x", { b: "y" }], c: null, d: 1 }],
    ["a sentinel as an object key, not a value", { "04da6b54-80e4-46f7-96ec-b56ff0331ba9": "x" }],
  ])("%s is known", (_name, value) => {
    expect(isUnknown(value)).toBe(false);
    expect(containsUnknown(value)).toBe(false);
  });
});
