import { describe, expect, test } from "vitest";
import { parseValidateArguments, summaryLine } from "../../provider/cli/commands/validate";
import { parseOptions } from "../../provider/cli/options";

describe("parseOptions", () => {
  const spec = {
    endpoint: { type: "string", example: "/v1/embeddings" },
    json: { type: "boolean" },
  } as const;

  test.each([
    [[], { values: {}, positionals: [] }],
    [["a", "-", "b"], { values: {}, positionals: ["a", "-", "b"] }],
    [["--json", "a"], { values: { json: true }, positionals: ["a"] }],
    [["--endpoint", "/v1/x", "a"], { values: { endpoint: "/v1/x" }, positionals: ["a"] }],
    [["a", "--endpoint=/v1/x"], { values: { endpoint: "/v1/x" }, positionals: ["a"] }],
    [["--", "--json", "-x"], { values: {}, positionals: ["--json", "-x"] }],
  ])("%j", (args, expected) => {
    expect(parseOptions(args, spec)).toEqual(expected);
  });

  test.each([
    [["--fast"], "unknown option --fast"],
    [["-x"], "unknown option -x"],
    [["--fast=1"], "unknown option --fast"],
    [["--json=yes"], "--json takes no value"],
    [["--endpoint"], "--endpoint needs a value, e.g. --endpoint /v1/embeddings"],
    [["--endpoint", "--json"], "--endpoint needs a value, e.g. --endpoint /v1/embeddings"],
    [["--endpoint="], "--endpoint needs a value, e.g. --endpoint /v1/embeddings"],
  ])("%j is refused", (args, message) => {
    expect(() => parseOptions(args, spec)).toThrow(message);
  });
});

describe("openai-batch validate arguments", () => {
  test.each([
    [["a.jsonl"], { files: ["a.jsonl"], endpoint: undefined, json: false }],
    [
      ["a.jsonl", "--endpoint", "/v1/embeddings", "--json"],
      { files: ["a.jsonl"], endpoint: "/v1/embeddings", json: true },
    ],
    [["--endpoint=/v1/responses", "a.jsonl"], { files: ["a.jsonl"], endpoint: "/v1/responses", json: false }],
    [["a", "-", "b"], { files: ["a", "-", "b"], endpoint: undefined, json: false }],
  ])("%j", (argv, expected) => {
    expect(parseValidateArguments(argv)).toEqual(expected);
  });

  test.each([
    [[], 'name the .jsonl files to validate, or "-" for stdin'],
    [["-", "a", "-"], '"-" (stdin) can be given only once'],
    [["a.jsonl", "--endpoint"], "--endpoint needs a value, e.g. --endpoint /v1/chat/completions"],
    [["a", "--fast"], "unknown option --fast"],
    [
      ["a", "--endpoint", "/v2/chat"],
      '--endpoint "/v2/chat" is not a batch endpoint; use one of /v1/responses, /v1/chat/completions, /v1/embeddings, /v1/completions, /v1/moderations, /v1/images/generations, /v1/images/edits, /v1/videos',
    ],
  ])("%j is refused", (argv, message) => {
    expect(() => parseValidateArguments(argv)).toThrow(message);
  });
});

describe("the summary line", () => {
  test.each([
    [{ files: 1, valid: 1, invalid: 0, unreadable: 0, problems: 0 }, "1 file: 1 valid"],
    [{ files: 2, valid: 2, invalid: 0, unreadable: 0, problems: 0 }, "2 files: 2 valid"],
    [
      { files: 2, valid: 1, invalid: 1, unreadable: 0, problems: 1 },
      "2 files: 1 valid, 1 invalid (1 problem)",
    ],
    [
      { files: 4, valid: 0, invalid: 2, unreadable: 2, problems: 1234 },
      "4 files: 0 valid, 2 invalid (1,234 problems), 2 unreadable",
    ],
  ])("%j", (summary, line) => {
    expect(summaryLine(summary)).toBe(line);
  });
});
