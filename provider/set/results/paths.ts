import { createHash } from "node:crypto";
import { join, resolve } from "node:path";
import { DEFAULT_SHARD_CACHE_DIR } from "../args";
import { childPath } from "../child-path";

/**
 * The folder name of one set's children's results: the set's name and a short hash of its URN, so
 * that two sets of one name under different parents never share (and prune) one folder.
 */
export function setResultsFolder(setName: string, setUrn: string): string {
  return `${setName}-${createHash("sha256").update(setUrn).digest("hex").slice(0, 12)}`;
}

/**
 * Where a child `Batch` of a set writes its own results:
 * `<shardCacheDir>/results/<stack>/<set folder>/<child>.jsonl`, as `childPath` gives it. The stack is part of the path so that two stacks of one project never write each
 * other's files; the set folder is `setResultsFolder`'s.
 */
export function childResultsPath(
  root: string,
  shardCacheDir: string | undefined,
  stack: string,
  setFolder: string,
  childName: string,
  rootFromEngine: boolean,
): string {
  const file = join(
    resolve(root, shardCacheDir ?? DEFAULT_SHARD_CACHE_DIR),
    "results",
    stack,
    setFolder,
    `${childName}.jsonl`,
  );
  return childPath(root, file, rootFromEngine);
}
