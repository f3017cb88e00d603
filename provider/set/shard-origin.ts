import { readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
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
  /** The set's input file, as an absolute path; absent for a set of inline requests. */
  inputFile?: string;
  /** The 1-based line of the input where the shard begins. */
  firstLine: number;
  /**
   * The batches made from this shard (their ids), by any set of any stack: deleting the last of
   * them removes the shard from the cache (see `claimShard` and `releaseShard`).
   */
  users?: string[];
}

/** The origin file of a shard file (`<sha256>.jsonl`), beside it. */
export function originFileOf(shardFile: string): string | undefined {
  const name = basename(shardFile);
  if (!SHARD_FILE.test(name)) return undefined;
  return join(dirname(shardFile), `${name.slice(0, -".jsonl".length)}.origin.json`);
}

/**
 * Records a shard's origin, keeping the batches that use it, unless it is recorded already.
 * Written whole under another name and renamed, so that a check never reads half of it; a failure
 * is ignored: the origin only improves messages and the clean-up, and without it messages name the
 * shard file and the shard stays until the prune's age limit.
 */
export function writeShardOrigin(shardFile: string, origin: Omit<ShardOrigin, "users">): void {
  changeUsers(shardFile, (users) => users, origin);
}

/** Records that batch `batchId` was made from the shard (a create), when its origin is recorded. */
export function claimShard(shardFile: string, batchId: string): void {
  changeUsers(shardFile, (users) => [...users, batchId]);
}

/**
 * After batch `batchId` is deleted: removes it from the shard's users and, when no other batch
 * of any set or stack uses the shard, the shard and its origin. A shard without an origin, or
 * that this batch never claimed, stays (the prune removes it once unused for its age limit).
 * Never fails.
 */
export function releaseShard(shardFile: string, batchId: string): void {
  const path = originFileOf(shardFile);
  const origin = readShardOrigin(shardFile);
  if (path === undefined || origin === undefined || !(origin.users ?? []).includes(batchId)) return;
  const users = (origin.users ?? []).filter((other) => other !== batchId);
  if (users.length > 0) {
    writeWhole(path, { ...origin, users });
    return;
  }
  removeQuietly(shardFile);
  removeQuietly(path);
}

/** Rewrites the origin with its users changed (and the rest from `origin`, when given). */
function changeUsers(
  shardFile: string,
  change: (users: string[]) => string[],
  origin?: Omit<ShardOrigin, "users">,
): void {
  const path = originFileOf(shardFile);
  if (path === undefined) return;
  const before = readShardOrigin(shardFile);
  const base = origin ?? before;
  if (base === undefined) return;
  const { users: _users, ...rest } = base as ShardOrigin;
  const users = [...new Set(change(before?.users ?? []))].sort();
  const next: ShardOrigin = { ...rest, ...(users.length === 0 ? {} : { users }) };
  if (before !== undefined && JSON.stringify(before) === JSON.stringify(next)) return;
  writeWhole(path, next);
}

function writeWhole(path: string, origin: ShardOrigin): void {
  // Named as the shard writer's partial files, so that a crash's leftover is pruned as theirs.
  const partial = join(dirname(path), `.partial-${process.pid}-${Date.now()}`);
  try {
    writeFileSync(partial, `${JSON.stringify(origin)}\n`);
    renameSync(partial, path);
  } catch {
    removeQuietly(partial);
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Removed meanwhile, or not ours to remove.
  }
}

/** The origin of a shard file, when it is one and its origin is recorded; anything else is undefined. */
export function readShardOrigin(shardFile: string): ShardOrigin | undefined {
  const path = originFileOf(shardFile);
  if (path === undefined) return undefined;
  try {
    const value = JSON.parse(readFileSync(path, "utf8")) as Partial<ShardOrigin>;
    if (value.inputFile !== undefined && (typeof value.inputFile !== "string" || value.inputFile === "")) {
      return undefined;
    }
    if (
      typeof value.firstLine !== "number" ||
      !Number.isSafeInteger(value.firstLine) ||
      value.firstLine < 1
    ) {
      return undefined;
    }
    const users = Array.isArray(value.users) ? value.users.filter((user) => typeof user === "string") : [];
    return {
      ...(value.inputFile === undefined ? {} : { inputFile: value.inputFile }),
      firstLine: value.firstLine,
      ...(users.length === 0 ? {} : { users }),
    };
  } catch {
    return undefined;
  }
}
