import { readdirSync, unlinkSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import type { SetResultsShard } from "../../contract";

/**
 * After the set's results are joined, removes the results files of batches that are no longer
 * children of the set: the `.jsonl` files of the set's own results folder (one per stack and
 * set) that no current shard names. The set's own joined file (`keep`, its `resultsPath`) is never
 * removed, even when it points into that folder. Only when every shard's file is in that one
 * folder; a file that cannot be removed is left.
 */
export function pruneChildResults(shards: readonly SetResultsShard[], cwd: string, keep?: string): void {
  const folders = new Set(shards.map((shard) => dirname(resolve(cwd, shard.resultsPath))));
  const [folder] = folders;
  if (folders.size !== 1 || folder === undefined) return;
  const current = new Set(shards.map((shard) => basename(shard.resultsPath)));
  const kept = keep === undefined ? undefined : resolve(cwd, keep);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.endsWith(".jsonl") || current.has(name) || resolve(folder, name) === kept) continue;
    try {
      unlinkSync(resolve(folder, name));
    } catch {
      // Gone already, or not ours to remove.
    }
  }
}
