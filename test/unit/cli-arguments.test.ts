import { describe, expect, test } from "vitest";
import { parseArguments } from "../../provider/cli/arguments";

describe("openai-batch arguments", () => {
  test.each([
    [[], { kind: "help" }],
    [["--help"], { kind: "help" }],
    [["validate", "a.jsonl"], { kind: "validate", file: "a.jsonl", endpoint: undefined, json: false }],
    [
      ["validate", "a.jsonl", "--endpoint", "/v1/embeddings", "--json"],
      { kind: "validate", file: "a.jsonl", endpoint: "/v1/embeddings", json: true },
    ],
    [
      ["validate", "--endpoint=/v1/responses", "a.jsonl"],
      { kind: "validate", file: "a.jsonl", endpoint: "/v1/responses", json: false },
    ],
    [["upload"], { kind: "usageError", message: 'unknown command "upload"; the command is "validate"' }],
    [["validate"], { kind: "usageError", message: "name the .jsonl file to validate" }],
    [
      ["validate", "a.jsonl", "--endpoint"],
      { kind: "usageError", message: "--endpoint needs a value, e.g. --endpoint /v1/chat/completions" },
    ],
    [["validate", "a", "b"], { kind: "usageError", message: "one file at a time; got a and b" }],
    [["validate", "a", "--fast"], { kind: "usageError", message: "unknown option --fast" }],
  ])("%j", (argv, expected) => {
    expect(parseArguments(argv)).toEqual(expected);
  });

  test("an endpoint the Batch API lacks is refused with the list", () => {
    const result = parseArguments(["validate", "a", "--endpoint", "/v2/chat"]);
    expect(result).toEqual({
      kind: "usageError",
      message:
        '--endpoint "/v2/chat" is not a batch endpoint; use one of /v1/responses, /v1/chat/completions, /v1/embeddings, /v1/completions, /v1/moderations, /v1/images/generations, /v1/images/edits, /v1/videos',
    });
  });
});
