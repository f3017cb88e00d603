import { existsSync, readdirSync, statSync, unlinkSync, utimesSync } from "node:fs";
import { join } from "node:path";

const DAY_MS = 24 * 60 * 60 * 1000;

/** A shard file no program run has split for this long is removed from the cache. */
export const SHARD_MAX_IDLE_DAYS = 14;
/** A partial file (a split that crashed) this old is removed. */
const PARTIAL_MAX_AGE_DAYS = 1;

/** The name of a shard file: the sha256 of its bytes. */
export const SHARD_FILE = /^[0-9a-f]{64}\.jsonl$/;
/** The name of a shard's origin file (see shard-origin.ts), kept and removed with its shard. */
export const ORIGIN_FILE = /^[0-9a-f]{64}\.origin\.json$/;
/** The name of a shard file being written. */
export const PARTIAL_FILE = /^\.partial-\d+-\d+$/;

/**
 * Prunes the shard cache after a successful split. The current split's shard files are marked as
 * used now (their modification time), whether they were written or found; then every other shard
 * file that no split has used for `SHARD_MAX_IDLE_DAYS` is removed, and partial files of crashed
 * splits older than a day. A shard of any set that a program run split in that time (this run's,
 * another set's of the same folder, another stack's) is kept, so no create of a live run loses
 * its input. A removed shard is only a cache: the next split of its input writes it again. Other
 * files and folders of the cache are left alone; a file that cannot be removed is skipped.
 *
 * Marking never fails the split either: a current shard that cannot be marked (a read-only cache)
 * is left as it is, and one that is gone (another run's prune removed it after this split found
 * it) is returned, for the caller to write again.
 */
export function pruneShardCache(
  cacheDir: string,
  current: readonly string[],
  now: number = Date.now(),
): string[] {
  const stamp = new Date(now);
  const missing: string[] = [];
  for (const file of current) {
    try {
      utimesSync(file, stamp, stamp);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") missing.push(file);
    }
  }
  const used = new Set(current);
  for (const name of readdirSync(cacheDir)) {
    const path = join(cacheDir, name);
    if (ORIGIN_FILE.test(name)) {
      // An origin goes with its shard: it stays while the shard does.
      if (!existsSync(join(cacheDir, name.replace(/\.origin\.json$/, ".jsonl")))) removeQuietly(path);
      continue;
    }
    const idleDays = SHARD_FILE.test(name)
      ? SHARD_MAX_IDLE_DAYS
      : PARTIAL_FILE.test(name)
        ? PARTIAL_MAX_AGE_DAYS
        : undefined;
    if (idleDays === undefined || used.has(path)) continue;
    try {
      const stats = statSync(path);
      if (stats.isFile() && now - stats.mtimeMs > idleDays * DAY_MS) unlinkSync(path);
    } catch {
      // Removed meanwhile, or not ours to remove: pruning never fails a split.
    }
  }
  return missing;
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Removed meanwhile, or not ours to remove.
  }
}
