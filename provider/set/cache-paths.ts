import { basename, dirname, join, sep } from "node:path";
import type { InputProblem } from "../errors";
import type { PathFacts } from "../paths/facts";
import { writeTargetProblem } from "../paths/write-target";
import { DEFAULT_SHARD_CACHE_DIR } from "./args";
import { ORIGIN_FILE, PARTIAL_FILE, SHARD_FILE } from "./prune";

/** A path argument of the set: its value as written (undefined for a default) and its facts. */
export interface SetPath {
  value: string | undefined;
  facts: PathFacts;
}

/**
 * The file system's part of a set's arguments, decided before the split writes anything: the
 * shard cache must be a folder the split can make and write, and the input must be a regular file
 * that is none of the files the cache writes or removes (see `cacheManages`).
 */
export function setPathProblems(cache: SetPath, input: SetPath | undefined): InputProblem[] {
  const problems: InputProblem[] = [];
  const cacheProblem = writeTargetProblem(cache.facts, "folder");
  if (cacheProblem !== undefined) {
    const named = cache.value === undefined ? "the default shardCacheDir" : "shardCacheDir";
    problems.push({
      property: "shardCacheDir",
      reason: `${named} ${JSON.stringify(cache.value ?? DEFAULT_SHARD_CACHE_DIR)} (${cache.facts.path}) cannot hold the shard files: ${cacheProblem}; give shardCacheDir a folder that can be written, relative to the project, such as ".pulumi-openai-batch/shards"`,
    });
  }
  if (input === undefined) return problems;
  const { facts } = input;
  const value = JSON.stringify(input.value);
  if (facts.unresolvable !== undefined) {
    problems.push({ property: "inputFile", reason: `cannot read ${facts.path}: ${facts.unresolvable}` });
  } else if (facts.entry !== undefined && facts.entry.kind !== "file") {
    problems.push({
      property: "inputFile",
      reason: `cannot read ${facts.path}: it is a ${facts.entry.kind}, not a regular file; give the path of a .jsonl file`,
    });
  } else if (cacheProblem === undefined && cacheManages(cache.facts.real, facts.real)) {
    problems.push({
      property: "inputFile",
      reason: `inputFile ${value} (${facts.real}) is one of the files the shard cache writes and removes in shardCacheDir (${cache.facts.real}); move the input out of that folder, or give shardCacheDir another folder`,
    });
  }
  return problems;
}

/**
 * Whether the shard cache at `cacheReal` writes or removes the file at `fileReal` (both real
 * paths): a shard file (`<sha256>.jsonl`), its origin or a partial file right in the cache folder, or any file
 * under its `results/` folder, where each batch of a set writes its results and the set prunes
 * the files no batch names.
 */
export function cacheManages(cacheReal: string, fileReal: string): boolean {
  if (fileReal.startsWith(`${join(cacheReal, "results")}${sep}`)) return true;
  if (dirname(fileReal) !== cacheReal) return false;
  const name = basename(fileReal);
  return SHARD_FILE.test(name) || PARTIAL_FILE.test(name) || ORIGIN_FILE.test(name);
}
