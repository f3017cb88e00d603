import { readdirSync, rmdirSync, unlinkSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { BatchOutputs } from "../contract";
import { claimShard, originFileOf, releaseShard } from "./shard-origin";

/**
 * After a `BatchSet`'s child batch is deleted (a `destroy`, or a child replaced or dropped by an
 * edit): its own results file in the cache goes, with the folders it leaves empty, and so does
 * its shard once no other batch of any set or stack uses it (see `releaseShard`). A batch whose
 * `inputFile` is no shard of a cache is left alone, and nothing here ever fails a delete.
 */
export function releaseSetCache(
  batchId: string,
  state: Pick<BatchOutputs, "inputFile" | "resultsPath">,
  cwd: string,
): void {
  if (typeof state.inputFile !== "string") return;
  const shard = resolve(cwd, state.inputFile);
  if (originFileOf(shard) === undefined) return;
  if (typeof state.resultsPath === "string") {
    const results = join(dirname(shard), "results");
    const file = resolve(cwd, state.resultsPath);
    const inside = relative(results, file);
    if (inside !== "" && !inside.startsWith("..") && !inside.startsWith(sep))
      removeWithEmptyFolders(file, results);
  }
  releaseShard(shard, batchId);
}

/** After a create: batch `batchId` uses its shard, when its `inputFile` is a shard of a cache. */
export function claimSetCache(batchId: string, inputs: Pick<BatchOutputs, "inputFile">, cwd: string): void {
  if (typeof inputs.inputFile !== "string") return;
  claimShard(resolve(cwd, inputs.inputFile), batchId);
}

/** Removes `file`, then each folder above it that is left empty, up to `top` (kept). */
function removeWithEmptyFolders(file: string, top: string): void {
  try {
    unlinkSync(file);
    for (
      let folder = dirname(file);
      folder !== top && folder.startsWith(`${top}${sep}`);
      folder = dirname(folder)
    ) {
      if (readdirSync(folder).length > 0) return;
      rmdirSync(folder);
    }
  } catch {
    // Gone already, or not ours to remove: the clean-up never fails a delete.
  }
}
