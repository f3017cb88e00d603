import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { LIMITS } from "../../../provider/contract";
import { isBatchInputError } from "../../../provider/errors";
import { DEFAULT_BOUNDS } from "../../../provider/set/bounds";
import { Chunker, type ChunkLine, shardSizes } from "../../../provider/set/chunker";
import { lineEmbeddingInputs } from "../../../provider/set/embedding-inputs";
import { hashText } from "../../../provider/set/line-hash";
import { planShards } from "../../../provider/set/shards";

const root = mkdtempSync(join(tmpdir(), "set-embedding-inputs-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Embedding requests of `perLine` inputs each. */
const requests = (count: number, perLine: number) =>
  Array.from({ length: count }, (_, i) => ({
    custom_id: `doc-${i}`,
    body: {
      model: "text-embedding-3-small",
      input: Array.from({ length: perLine }, (_, j) => `chunk ${j} of document ${i}`),
    },
  }));

const inputsIn = (file: string) =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .reduce((sum, line) => sum + lineEmbeddingInputs(line), 0);

describe("a BatchSet on /v1/embeddings keeps every batch within 50,000 embedding inputs", () => {
  test("20,000 requests of 10 inputs each: no shard over 50,000 inputs, although 50,000 requests would fit", () => {
    const shards = planShards(
      "docs",
      { endpoint: "/v1/embeddings", requests: requests(20_000, 10), shardCacheDir: "many" },
      root,
    );
    const inputs = shards.map((shard) => inputsIn(shard.file));
    expect(inputs.reduce((a, b) => a + b, 0)).toBe(200_000);
    expect(shards.length).toBeGreaterThanOrEqual(4);
    expect(Math.max(...inputs)).toBeLessThanOrEqual(LIMITS.maxEmbeddingInputs);
  });

  test("other endpoints are not bounded by embedding inputs", () => {
    const chat = Array.from({ length: 20_000 }, (_, i) => ({
      custom_id: `q-${i}`,
      body: { model: "gpt-4o-mini", messages: [], input: Array.from({ length: 10 }, () => "x") },
    }));
    const shards = planShards(
      "chat",
      { endpoint: "/v1/chat/completions", requests: chat, shardCacheDir: "chat" },
      root,
    );
    expect(Math.max(...shards.map((shard) => shard.requests))).toBeGreaterThan(5_000);
  });

  test("lines of one input each get the boundaries they had without the bound", () => {
    const lines: ChunkLine[] = Array.from({ length: 400_000 }, (_, i) => ({
      bytes: 300 + ((i * 7919) % 900),
      tokens: 0,
      hash: hashText(`doc-${i}`),
      inputs: 1,
    }));
    for (const maxRequests of [50_000, 10_000]) {
      const without = shardSizes(lines, { ...DEFAULT_BOUNDS, maxRequests });
      const withInputs = shardSizes(lines, {
        ...DEFAULT_BOUNDS,
        maxRequests,
        maxInputs: LIMITS.maxEmbeddingInputs,
      });
      expect(withInputs).toEqual(without);
      expect(without.length).toBeGreaterThan(4);
    }
  });

  test("a line with more inputs than a batch takes is refused, naming the line", () => {
    const chunker = new Chunker({ ...DEFAULT_BOUNDS, maxInputs: 10 });
    expect(chunker.tooLarge({ bytes: 100, tokens: 0, hash: 1, inputs: 11 })).toBe(
      "has 11 embedding inputs, more than a batch takes (10)",
    );
    let thrown: unknown;
    try {
      planShards(
        "huge",
        {
          endpoint: "/v1/embeddings",
          requests: requests(3, LIMITS.maxEmbeddingInputs + 1),
          shardCacheDir: "huge",
        },
        root,
      );
    } catch (error) {
      thrown = error;
    }
    expect(isBatchInputError(thrown)).toBe(true);
    expect(String((thrown as Error).message)).toContain(
      "line 1 has 50001 embedding inputs, more than a batch takes (50000)",
    );
  });

  test("counts inputs as the API does, and a line that is not JSON counts none", () => {
    expect(lineEmbeddingInputs('{"body":{"input":"one"}}')).toBe(1);
    expect(lineEmbeddingInputs('{"body":{"input":["a","b","c"]}}')).toBe(3);
    expect(lineEmbeddingInputs('{"body":{"input":[1,2,3]}}')).toBe(1);
    expect(lineEmbeddingInputs('{"body":{"input":[[1,2],[3]]}}')).toBe(2);
    expect(lineEmbeddingInputs("{not json")).toBe(0);
  });
});
