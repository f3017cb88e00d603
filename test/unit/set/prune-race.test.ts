import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { planShards } from "../../../provider/set/shards";

/**
 * Another program run's prune removes one of this split's shards between the split finding it
 * and marking it as used: the first prune of this run finds its first shard gone.
 */
const removed: string[] = [];
vi.mock("../../../provider/set/prune", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../../provider/set/prune")>();
  return {
    ...actual,
    pruneShardCache: (cacheDir: string, current: readonly string[], now?: number) => {
      const [first] = current;
      if (removed.length === 0 && first !== undefined) {
        unlinkSync(first);
        removed.push(first);
      }
      return actual.pruneShardCache(cacheDir, current, now);
    },
  };
});

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "shard-prune-race-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

test("a shard removed by a concurrent prune after the split found it is written again, and the split succeeds", () => {
  const requests = Array.from({ length: 30 }, (_, i) => ({
    custom_id: `r-${i}`,
    method: "POST" as const,
    url: "/v1/embeddings",
    body: { model: "text-embedding-3-small", input: `text ${i}` },
  }));
  const shards = planShards("docs", { endpoint: "/v1/embeddings", requests, maxRequestsPerBatch: 10 }, root);

  expect(removed.length).toBe(1);
  expect(shards.length).toBeGreaterThan(1);
  for (const shard of shards) expect(existsSync(shard.file)).toBe(true);
  expect(shards[0]!.file).toBe(removed[0]);
  const lines = shards.flatMap((shard) => readFileSync(shard.file, "utf8").split("\n").filter(Boolean));
  expect(lines.map((line) => JSON.parse(line).custom_id)).toEqual(requests.map((r) => r.custom_id));
});
