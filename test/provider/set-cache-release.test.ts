import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import type { BatchOutputs } from "../../provider/contract";
import { originFileOf, readShardOrigin } from "../../provider/set/shard-origin";
import { planShards } from "../../provider/set/shards";
import { EMBEDDINGS, type ProviderUnderTest, providerWithEmulator } from "./harness";

let env: ProviderUnderTest | undefined;
let root: string | undefined;
afterEach(async () => {
  await env?.close();
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
  env = undefined;
  root = undefined;
});

/** Two shards of a set's input, split into the project's cache as the program does. */
function splitSet(dir: string) {
  const lines = Array.from({ length: 20 }, (_, i) =>
    JSON.stringify({
      custom_id: `doc-${i}`,
      method: "POST",
      url: EMBEDDINGS,
      body: { model: "text-embedding-3-small", input: `text ${i}` },
    }),
  );
  writeFileSync(join(dir, "embed.jsonl"), `${lines.join("\n")}\n`);
  return planShards("docs", { endpoint: EMBEDDINGS, inputFile: "embed.jsonl", maxRequestsPerBatch: 10 }, dir);
}

test("deleting the last batch made from a shard removes the shard, its origin and the batch's results from the cache; a shard another batch uses stays", async () => {
  root = mkdtempSync(join(tmpdir(), "set-release-"));
  env = await providerWithEmulator({ cwd: root });
  const [shard] = splitSet(root);
  const results = join(".pulumi-openai-batch", "shards", "results", "dev", "docs-abc", "child.jsonl");
  const create = async () => {
    const inputs = await env!.checked({
      endpoint: EMBEDDINGS,
      inputFile: shard!.inputFile,
      waitForCompletion: true,
      resultsPath: results,
      maxFailedRatio: 1,
    });
    const { id, outs } = await env!.provider.create(inputs);
    return { id, outs: outs as BatchOutputs };
  };
  const first = await create();
  // The same shard in another set or stack: a second batch made from it.
  const second = await create();
  expect(readShardOrigin(shard!.file)?.users).toEqual([first.id, second.id].sort());
  expect(existsSync(join(root, results))).toBe(true);

  await env.provider.delete(first.id, first.outs);
  expect(existsSync(shard!.file)).toBe(true);
  expect(readShardOrigin(shard!.file)?.users).toEqual([second.id]);

  await env.provider.delete(second.id, second.outs);
  expect(existsSync(shard!.file)).toBe(false);
  expect(existsSync(originFileOf(shard!.file)!)).toBe(false);
  expect(existsSync(join(root, results))).toBe(false);
  // The folders the results left empty go too, up to the cache's results folder.
  expect(existsSync(join(root, ".pulumi-openai-batch", "shards", "results", "dev"))).toBe(false);
  expect(existsSync(join(root, ".pulumi-openai-batch", "shards", "results"))).toBe(true);
  // A batch whose input is the user's own file leaves it alone.
  const own = await env.checked({ endpoint: EMBEDDINGS, inputFile: "embed.jsonl" });
  const made = await env.provider.create(own);
  await env.provider.delete(made.id, made.outs as BatchOutputs);
  expect(existsSync(join(root, "embed.jsonl"))).toBe(true);
});
