import {
  existsSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, test } from "vitest";
import { checkBatch } from "../../../provider/runtime/check";
import { cacheManages } from "../../../provider/set/cache-paths";
import { pruneShardCache } from "../../../provider/set/prune";
import { originFileOf } from "../../../provider/set/shard-origin";
import { planShards } from "../../../provider/set/shards";

const EMBEDDINGS = "/v1/embeddings";
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "shard-origin-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** 30 embedding requests; line `broken` has no model. */
function writeInput(broken: number): string {
  const lines = Array.from({ length: 30 }, (_, i) => {
    const body: Record<string, unknown> = { model: "text-embedding-3-small", input: `text ${i + 1}` };
    if (i + 1 === broken) delete body.model;
    return JSON.stringify({ custom_id: `doc-${i + 1}`, method: "POST", url: EMBEDDINGS, body });
  });
  const path = join(root, "embed.jsonl");
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

test("a child's line problem names the set's input file, the line there and the custom_id, not the shard", async () => {
  const input = writeInput(17);
  const shards = planShards(
    "docs",
    { endpoint: EMBEDDINGS, inputFile: "embed.jsonl", maxRequestsPerBatch: 10 },
    root,
  );
  const shard = shards.find((s) => s.firstLine <= 17 && 17 < s.firstLine + s.requests);
  expect(shard?.firstLine).toBeGreaterThan(1);
  const result = await checkBatch({ endpoint: EMBEDDINGS, inputFile: shard!.inputFile }, root);
  expect(result.failures).toEqual([
    {
      property: "inputFile",
      reason: `${input}:17 (custom_id "doc-17"): body.model is missing; every line needs the same model`,
    },
  ]);
  // Without its origin, the shard names itself, as any file does.
  unlinkSync(originFileOf(shard!.file)!);
  const bare = await checkBatch({ endpoint: EMBEDDINGS, inputFile: shard!.inputFile }, root);
  expect(bare.failures[0]?.reason).toMatch(
    new RegExp(
      `^${shard!.file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:${18 - shard!.firstLine} \\(custom_id "doc-17"\\)`,
    ),
  );
});

test("an origin file is removed with its shard, and is one of the files the cache manages", () => {
  writeInput(0);
  const shards = planShards(
    "docs",
    { endpoint: EMBEDDINGS, inputFile: "embed.jsonl", maxRequestsPerBatch: 10 },
    root,
  );
  const [first] = shards;
  const cache = join(root, ".pulumi-openai-batch", "shards");
  expect(readdirSync(cache).filter((name) => name.endsWith(".origin.json"))).toHaveLength(shards.length);
  unlinkSync(first!.file);
  const old = new Date(Date.now() - 30 * 24 * 60 * 60 * 1000);
  utimesSync(originFileOf(first!.file)!, old, old);
  pruneShardCache(
    cache,
    shards.slice(1).map((s) => s.file),
  );
  expect(existsSync(originFileOf(first!.file)!)).toBe(false);
  expect(existsSync(originFileOf(shards[1]!.file)!)).toBe(true);
  // An input may not be one of them: the cache writes and removes it.
  expect(cacheManages(realpathSync(cache), realpathSync(originFileOf(shards[1]!.file)!))).toBe(true);
});
