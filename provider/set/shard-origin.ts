import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { SHARD_FILE } from "./prune";

/**
 * Where a shard's lines come from: the set's input file and the line of it where the shard
 * begins. The split writes it beside the shard (`<sha256>.origin.json`), so that the check of the
 * child batch, which reads only the shard, can name the user's file, line and custom_id rather
 * than the cache file. A shard is named by its bytes, so two inputs holding the same run of lines
 * share it; the origin is then the one the latest split wrote.
 */
export interface ShardOrigin {
  /** The set's input file, as an absolute path. */
  inputFile: string;
  /** The 1-based line of the input where the shard begins. */
  firstLine: number;
}

/** The origin file of a shard file (`<sha256>.jsonl`), beside it. */
export function originFileOf(shardFile: string): string | undefined {
  const name = basename(shardFile);
  if (!SHARD_FILE.test(name)) return undefined;
  return join(dirname(shardFile), `${name.slice(0, -".jsonl".length)}.origin.json`);
}

/**
 * Records a shard's origin, unless it is recorded already. Written whole under another name and
 * renamed, so that a check never reads half of it; a failure is ignored: the origin only improves
 * messages, and without it they name the shard file.
 */
export function writeShardOrigin(shardFile: string, origin: ShardOrigin): void {
  const path = originFileOf(shardFile);
  if (path === undefined) return;
  const text = `${JSON.stringify(origin)}\n`;
  try {
    if (readFileSync(path, "utf8") === text) return;
  } catch {
    // Not written yet.
  }
  // Named as the shard writer's partial files, so that a crash's leftover is pruned as theirs.
  const partial = join(dirname(path), `.partial-${process.pid}-${Date.now()}`);
  try {
    writeFileSync(partial, text);
    renameSync(partial, path);
  } catch {
    // A read-only cache: the messages name the shard file.
  }
}

/** The origin of a shard file, when it is one and its origin is recorded; anything else is undefined. */
export function readShardOrigin(shardFile: string): ShardOrigin | undefined {
  const path = originFileOf(shardFile);
  if (path === undefined) return undefined;
  try {
    const value = JSON.parse(readFileSync(path, "utf8")) as Partial<ShardOrigin>;
    if (typeof value.inputFile !== "string" || value.inputFile === "") return undefined;
    if (
      typeof value.firstLine !== "number" ||
      !Number.isSafeInteger(value.firstLine) ||
      value.firstLine < 1
    ) {
      return undefined;
    }
    return { inputFile: value.inputFile, firstLine: value.firstLine };
  } catch {
    return undefined;
  }
}
