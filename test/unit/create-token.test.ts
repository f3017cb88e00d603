import { describe, expect, test } from "vitest";
import type { BatchInputs } from "../../provider/contract";
import { createTokenOf, withCreateToken } from "../../provider/runtime/create-token";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const EMBEDDINGS = "/v1/embeddings";
const byFileId = {
  endpoint: EMBEDDINGS,
  inputFileId: "file-abc",
  completionWindow: "24h",
  resourceKey: "proj/dev/batch",
  metadata: { team: "x" },
} as BatchInputs;
const uploaded = {
  endpoint: EMBEDDINGS,
  resourceKey: "proj/dev/other",
  completionWindow: "24h",
  outputExpiresAfter: { anchor: "created_at", seconds: 3600 },
  inputSha256: "5fe74cf2810dcc8a417f87ba1a892fc28a568e31ee784a37917509f26f7507d3",
  // Not part of the token: what steers the provider, and where the bytes came from.
  requests: [],
  waitForCompletion: true,
  resultsPath: "out.jsonl",
} as unknown as BatchInputs;

describe("createTokenOf", () => {
  test("is the hash every earlier release recorded, so that their interrupted creates are adopted", () => {
    // Made by the release that returned the token from `check`, for the same inputs.
    expect(createTokenOf(byFileId)).toBe("a177cd1c63ff2a23361d59bfab2a13ce");
    expect(createTokenOf(uploaded)).toBe("02f38e979d9d3694dd8a34b24a48181f");
  });

  test("differs with anything that makes another batch, and ignores what only steers the provider", () => {
    const base = createTokenOf(uploaded);
    for (const change of [
      { resourceKey: "proj/dev/third" },
      { endpoint: "/v1/chat/completions" },
      { inputSha256: "0".repeat(64) },
      { completionWindow: "48h" },
      { metadata: { a: "b" } },
      { outputExpiresAfter: { anchor: "created_at", seconds: 7200 } },
    ]) {
      expect(createTokenOf({ ...uploaded, ...change } as BatchInputs), JSON.stringify(change)).not.toBe(base);
    }
    expect(createTokenOf({ ...uploaded, waitForCompletion: false, maxFailedRatio: 0.5 })).toBe(base);
  });

  test("is undefined while the input or anything else it depends on is unknown", () => {
    expect(createTokenOf({ endpoint: EMBEDDINGS } as BatchInputs)).toBeUndefined();
    expect(createTokenOf({ ...byFileId, metadata: { team: UNKNOWN } })).toBeUndefined();
  });

  test("withCreateToken keeps a token already recorded and adds the hash otherwise", () => {
    expect(withCreateToken(byFileId).createToken).toBe("a177cd1c63ff2a23361d59bfab2a13ce");
    expect(withCreateToken({ ...byFileId, createToken: "older" }).createToken).toBe("older");
    expect(withCreateToken({ endpoint: EMBEDDINGS } as BatchInputs)).not.toHaveProperty("createToken");
  });
});
