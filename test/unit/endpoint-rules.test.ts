import { describe, expect, test } from "vitest";
import {
  countEmbeddingInputs,
  endpointRequiresModel,
  missingBodyFields,
} from "../../provider/validation/jsonl/endpoint-rules";

// What each endpoint's body must hold, field by field: an empty body lacks them all, in the table's order.
const REQUIRED: [string, string[], boolean][] = [
  ["/v1/responses", ["model", "input or prompt"], true],
  ["/v1/chat/completions", ["model", "messages"], true],
  ["/v1/embeddings", ["model", "input"], true],
  ["/v1/completions", ["model", "prompt"], true],
  ["/v1/moderations", ["input"], false],
  ["/v1/images/generations", ["prompt"], false],
  ["/v1/images/edits", ["images", "prompt"], false],
  ["/v1/videos", ["prompt"], false],
];

describe("missingBodyFields: the required fields a body lacks", () => {
  test.each(REQUIRED)("an empty body for %s lacks %o", (endpoint, missing) => {
    expect(missingBodyFields(endpoint, {})).toEqual(missing);
  });

  test.each(REQUIRED)("a body for %s with every field given lacks nothing", (endpoint, missing) => {
    const body = Object.fromEntries(missing.map((field) => [field.split(" or ")[0], "x"]));
    expect(missingBodyFields(endpoint, body)).toEqual([]);
  });

  test.each(REQUIRED)("a field given as null is missing for %s", (endpoint, missing) => {
    const body = Object.fromEntries(missing.map((field) => [field.split(" or ")[0], null]));
    expect(missingBodyFields(endpoint, body)).toEqual(missing);
  });

  test("either name of a field with two names satisfies it", () => {
    expect(missingBodyFields("/v1/responses", { model: "m", input: "hi" })).toEqual([]);
    expect(missingBodyFields("/v1/responses", { model: "m", prompt: { id: "p" } })).toEqual([]);
    expect(missingBodyFields("/v1/responses", { model: "m", input: null, prompt: null })).toEqual([
      "input or prompt",
    ]);
  });

  test("an endpoint the table does not know requires nothing", () => {
    expect(missingBodyFields("/v1/unknown", {})).toEqual([]);
    expect(endpointRequiresModel("/v1/unknown")).toBe(false);
  });

  test.each(REQUIRED)("whether %s requires a model", (endpoint, _missing, requiresModel) => {
    expect(endpointRequiresModel(endpoint)).toBe(requiresModel);
  });
});

describe("countEmbeddingInputs: how many inputs an embeddings request carries", () => {
  test.each([
    ["no input", undefined, 0],
    ["a string", "hello", 1],
    ["an empty string", "", 1],
    ["null", null, 1],
    ["a token array", [1, 2, 3], 1],
    ["a one-token array", [7], 1],
    ["an empty array", [], 0],
    ["an array of strings", ["a", "b", "c"], 3],
    ["an array of token arrays", [[1], [2, 3]], 2],
    ["an array of numbers and a string", [1, "a"], 2],
    ["an array of a string and numbers", ["a", 1, 2], 3],
  ])("%s counts as %i", (_name, input, expected) => {
    expect(countEmbeddingInputs(input)).toBe(expected);
  });
});
