import { describe, expect, test } from "vitest";
import type { BatchInputs, BatchOutputs } from "../../provider/contract";
import { diffBatch, sameValue } from "../../provider/runtime/diff";

// Every order of four keys: a comparator that is not a strict order sorts some of them apart.
function orders<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    orders([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}
const ENTRIES: [string, number][] = [
  ["beta", 2],
  ["alpha", 1],
  ["delta", 4],
  ["gamma", 3],
];

describe("sameValue: deep equality of JSON values, whatever the order of object keys", () => {
  test.each(orders(ENTRIES).map((order) => [order.map(([key]) => key).join(",")] as const))(
    "an object with its keys in the order %s equals every other order",
    (keys) => {
      const reordered = Object.fromEntries(keys.split(",").map((key) => ENTRIES.find(([k]) => k === key)!));
      for (const order of orders(ENTRIES)) {
        expect(sameValue(reordered, Object.fromEntries(order))).toBe(true);
        expect(
          sameValue({ outer: { inner: reordered } }, { outer: { inner: Object.fromEntries(order) } }),
        ).toBe(true);
      }
    },
  );

  test.each([
    ["the same values under other keys", { alpha: 1, beta: 2 }, { alpha: 2, beta: 1 }],
    ["an extra key", { alpha: 1 }, { alpha: 1, beta: 2 }],
    ["arrays in another order", [1, 2, 3], [3, 2, 1]],
    ["an array and an object with its indexes as keys", [1, 2], { 0: 1, 1: 2 }],
    ["a nested value that differs", { a: { b: [1, { c: 1 }] } }, { a: { b: [1, { c: 2 }] } }],
    ["undefined and null", undefined, null],
    ["a number and its string", 1, "1"],
  ])("%s differ", (_name, a, b) => {
    expect(sameValue(a, b)).toBe(false);
    expect(sameValue(b, a)).toBe(false);
  });

  test("undefined equals undefined", () => {
    expect(sameValue(undefined, undefined)).toBe(true);
  });
});

describe("diffBatch: what names the change of source", () => {
  const same = {
    endpoint: "/v1/chat/completions",
    requests: [{ custom_id: "a", body: { model: "m", messages: [] } }],
    inputSha256: "aaa",
    metadata: { team: "x", owner: "y", cost: "z" },
  } as unknown as BatchInputs;
  const state = {
    ...same,
    stateVersion: 1,
    uploadedInputFile: true,
    inputFileId: "file-uploaded",
  } as unknown as BatchOutputs;

  test("changed inline requests replace under the name requests", () => {
    expect(diffBatch(state, { ...same, inputSha256: "bbb" }).replaces).toEqual(["requests"]);
  });

  test("metadata and requests with their keys in another order are no change", () => {
    const reordered = {
      ...same,
      metadata: { cost: "z", team: "x", owner: "y" },
      requests: [{ body: { messages: [], model: "m" }, custom_id: "a" }],
    } as unknown as BatchInputs;
    expect(diffBatch(state, reordered)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });
});
