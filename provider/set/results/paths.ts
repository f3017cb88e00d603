import { isAbsolute, join, relative, resolve } from "node:path";
import { DEFAULT_SHARD_CACHE_DIR } from "../args";

/**
 * Where a child `Batch` of a set writes its own results: `<shardCacheDir>/results/<stack>/<set>/<child>.jsonl`,
 * relative to the project when it is inside it. The stack is part of the path so that two stacks
 * of one project never write each other's files.
 */
export function childResultsPath(
  root: string,
  shardCacheDir: string | undefined,
  stack: string,
  setName: string,
  childName: string,
): string {
  const file = join(
    resolve(root, shardCacheDir ?? DEFAULT_SHARD_CACHE_DIR),
    "results",
    stack,
    setName,
    `${childName}.jsonl`,
  );
  const inside = relative(root, file);
  return inside.startsWith("..") || isAbsolute(inside) ? file : inside;
}
