import { describe, expect, test } from "vitest";
import { inputsOf, isManaged, readState, steeringOf } from "../../provider/runtime/state";

describe("readState accepts every shape ever written", () => {
  test("version 1 outputs come back as they are", () => {
    const v1 = {
      endpoint: "/v1/embeddings",
      requests: [],
      stateVersion: 1,
      uploadedInputFile: true,
      inputFileId: "file-1",
      status: "completed",
    };
    expect(readState(v1)).toEqual(v1);
    expect(isManaged(readState(v1))).toBe(true);
  });

  test("an empty state (a batch adopted with Batch.get, before its first read) is unmanaged and never deletes a file", () => {
    const state = readState({});
    expect(state).toEqual({ endpoint: undefined, stateVersion: 0, uploadedInputFile: false });
    expect(isManaged(state)).toBe(false);
  });

  test("an unversioned partial state falls back to safe defaults", () => {
    const state = readState({ endpoint: "/v1/embeddings", inputFileId: "file-9", uploadedInputFile: "yes" });
    expect(state.uploadedInputFile).toBe(false);
    expect(state.stateVersion).toBe(0);
    expect(steeringOf(state)).toEqual({
      waitForCompletion: false,
      waitTimeoutMs: 86_400_000,
      pollIntervalMs: 30_000,
      cancelOnDelete: true,
      deleteInputFileOnDelete: true,
    });
  });

  test("inputsOf keeps the user's inputs and leaves out an uploaded file's id", () => {
    const state = readState({
      endpoint: "/v1/embeddings",
      inputFile: "a.jsonl",
      inputSha256: "abc",
      inputFileId: "file-uploaded",
      uploadedInputFile: true,
      stateVersion: 1,
      status: "in_progress",
      outputFileId: "file-out",
    });
    expect(inputsOf(state)).toEqual({ endpoint: "/v1/embeddings", inputFile: "a.jsonl", inputSha256: "abc" });
  });
});
