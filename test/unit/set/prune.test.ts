import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, test } from "vitest";
import { pruneShardCache } from "../../../provider/set/prune";
import { planShards } from "../../../provider/set/shards";

const DAY_MS = 24 * 60 * 60 * 1000;
let root: string;
let cache: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "shard-prune-"));
  cache = join(root, ".pulumi-openai-batch", "shards");
  mkdirSync(cache, { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const requests = (prefix: string) =>
  Array.from({ length: 40 }, (_, i) => ({
    custom_id: `${prefix}-${i}`,
    method: "POST" as const,
    url: "/v1/embeddings",
    body: { model: "text-embedding-3-small", input: `text ${i}` },
  }));
const split = (prefix: string) =>
  planShards(
    "docs",
    { endpoint: "/v1/embeddings", requests: requests(prefix), maxRequestsPerBatch: 10 },
    root,
  );

/** A file in the cache, last used `days` ago. */
function aged(name: string, days: number): string {
  const path = join(cache, name);
  writeFileSync(path, "{}\n");
  const when = new Date(Date.now() - days * DAY_MS);
  utimesSync(path, when, when);
  return path;
}

test("a successful split removes shard files unused for 14 days and crashed partial files, and keeps the rest", () => {
  const stale = aged(`${"a".repeat(64)}.jsonl`, 15);
  const recent = aged(`${"b".repeat(64)}.jsonl`, 13);
  const stalePartial = aged(".partial-123-4", 2);
  const freshPartial = aged(".partial-123-5", 0);
  const notes = aged("notes.txt", 90);
  mkdirSync(join(cache, "results"));

  const shards = split("r");

  expect(existsSync(stale)).toBe(false);
  expect(existsSync(stalePartial)).toBe(false);
  for (const kept of [recent, freshPartial, notes, join(cache, "results")])
    expect(existsSync(kept)).toBe(true);
  for (const shard of shards) expect(existsSync(shard.file)).toBe(true);
});

test("a shard the split uses again is kept and marked as used, however old its file", () => {
  const first = split("r");
  const old = new Date(Date.now() - 30 * DAY_MS);
  for (const shard of first) utimesSync(shard.file, old, old);

  const again = split("r");

  expect(again.map((shard) => shard.file)).toEqual(first.map((shard) => shard.file));
  for (const shard of again) {
    expect(existsSync(shard.file)).toBe(true);
    expect(Date.now() - statSync(shard.file).mtimeMs).toBeLessThan(DAY_MS);
  }
});

test("another set's shards split recently stay when this set splits", () => {
  const other = split("other");
  const mine = split("mine");
  for (const shard of [...other, ...mine]) expect(existsSync(shard.file)).toBe(true);
});

test("a split that fails prunes nothing", () => {
  const stale = aged(`${"c".repeat(64)}.jsonl`, 30);
  expect(() =>
    planShards("docs", { endpoint: "/v1/embeddings", requests: [{ body: {} } as never] }, root),
  ).toThrow(/custom_id/);
  expect(existsSync(stale)).toBe(true);
});

test("a current shard removed meanwhile (another run's prune) is reported, not thrown, and the rest is still pruned", () => {
  const stale = aged(`${"d".repeat(64)}.jsonl`, 30);
  const kept = aged(`${"e".repeat(64)}.jsonl`, 30);
  const gone = join(cache, `${"f".repeat(64)}.jsonl`);

  const missing = pruneShardCache(cache, [gone, kept]);

  expect(missing).toEqual([gone]);
  expect(existsSync(stale)).toBe(false);
  expect(existsSync(kept)).toBe(true);
});
