import { describe, expect, test } from "vitest";
import type { BatchInputs, BatchOutputs } from "../../provider/contract";
import { diffBatch } from "../../provider/runtime/diff";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const inputs: BatchInputs = {
  endpoint: "/v1/chat/completions",
  inputFile: "requests.jsonl",
  completionWindow: "24h",
  waitForCompletion: false,
  waitTimeoutSeconds: 86400,
  pollIntervalSeconds: 30,
  cancelOnDelete: true,
  deleteInputFileOnDelete: true,
  inputSha256: "aaa",
  requestCount: 2,
};
const olds: BatchOutputs = {
  ...inputs,
  stateVersion: 1,
  uploadedInputFile: true,
  inputFileId: "file-uploaded",
  status: "in_progress",
};

describe("diffBatch", () => {
  test("the same inputs are no change", () => {
    expect(diffBatch(olds, inputs)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  test.each([
    ["endpoint", { endpoint: "/v1/embeddings" }, ["endpoint"]],
    ["the file's bytes", { inputSha256: "bbb" }, ["inputFile"]],
    ["metadata", { metadata: { team: "a" } }, ["metadata"]],
    [
      "outputExpiresAfter",
      { outputExpiresAfter: { anchor: "created_at", seconds: 3600 } },
      ["outputExpiresAfter"],
    ],
    [
      "a switch to a given file id",
      { inputFile: undefined, inputSha256: undefined, inputFileId: "file-x" },
      ["inputFileId"],
    ],
    ["an unknown endpoint", { endpoint: UNKNOWN }, ["endpoint"]],
    ["an input whose hash is not known yet", { inputFile: UNKNOWN, inputSha256: undefined }, ["inputFile"]],
    ["unknown metadata", { metadata: { team: UNKNOWN } }, ["metadata"]],
  ] as [string, Partial<BatchInputs>, string[]][])("a change of %s replaces", (_name, change, replaces) => {
    expect(diffBatch(olds, { ...inputs, ...change } as BatchInputs)).toEqual({
      changes: true,
      replaces,
      deleteBeforeReplace: false,
    });
  });

  test.each([
    ["waitForCompletion", { waitForCompletion: true }],
    ["waitTimeoutSeconds", { waitTimeoutSeconds: 60 }],
    ["pollIntervalSeconds", { pollIntervalSeconds: 5 }],
    ["cancelOnDelete", { cancelOnDelete: false }],
    ["deleteInputFileOnDelete", { deleteInputFileOnDelete: false }],
    ["the file's path, with the same bytes", { inputFile: "moved/requests.jsonl" }],
  ] as [string, Partial<BatchInputs>][])("a change of %s updates in place", (_name, change) => {
    expect(diffBatch(olds, { ...inputs, ...change })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  test("the serialized provider is never compared, so an upgrade changes nothing", () => {
    const withProvider = { ...inputs, __provider: "exports.handler = something-new" } as BatchInputs;
    const oldWithProvider = { ...olds, __provider: "exports.handler = something-old" } as BatchOutputs;
    expect(diffBatch(oldWithProvider, withProvider)).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  test("a state written without defaults compares equal to the defaults", () => {
    const minimal = {
      endpoint: "/v1/chat/completions",
      inputFile: "requests.jsonl",
      inputSha256: "aaa",
      stateVersion: 1,
      uploadedInputFile: true,
    } as BatchOutputs;
    expect(diffBatch(minimal, inputs).changes).toBe(false);
  });

  test("a given file id is compared by id", () => {
    const given: BatchInputs = { endpoint: "/v1/embeddings", inputFileId: "file-1" };
    const state = { ...given, stateVersion: 1, uploadedInputFile: false } as BatchOutputs;
    expect(diffBatch(state, given).replaces).toEqual([]);
    expect(diffBatch(state, { ...given, inputFileId: "file-2" }).replaces).toEqual(["inputFileId"]);
  });
});
