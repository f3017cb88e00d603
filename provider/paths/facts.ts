import { accessSync, type BigIntStats, constants, lstatSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { describeFileSystemError } from "../validation/jsonl/open-input-file";

/** What a file system entry is, in the words messages use. */
export type EntryKind =
  | "file"
  | "directory"
  | "named pipe (FIFO)"
  | "socket"
  | "character device"
  | "block device"
  | "special file";

/**
 * What the file system says about one path, gathered once so that the decisions about it
 * (`sameFile`, `writeTargetProblem`) stay pure.
 */
export interface PathFacts {
  /** The path as the package opens it: absolute and lexically normalized. */
  path: string;
  /**
   * One spelling per file: the real path of the deepest part of `path` that exists (symbolic
   * links, `.` and `..` resolved), followed by the rest of `path` as written.
   */
  real: string;
  /** Names in the existing part's folder compare without case (a case-insensitive file system). */
  caseInsensitive: boolean;
  /** What is at the path, symbolic links followed, when something is. */
  entry?: { kind: EntryKind; dev: bigint; ino: bigint };
  /** The deepest part of the path that exists: the path itself or an ancestor. */
  existing: { real: string; kind: EntryKind; writable: boolean };
  /** The path is a symbolic link whose target does not exist. */
  danglingLink?: true;
  /** Why the path cannot be looked up at all, in plain words (a symbolic link loop, no permission). */
  unresolvable?: string;
}

/**
 * Looks `path` up (relative to `cwd`) without changing anything: its real path, what is there,
 * and the deepest part that exists. Never throws for a path that cannot be looked up; that is a
 * fact too (`unresolvable`). The caller must refuse a NUL byte first: no file name holds one.
 */
export function pathFacts(path: string, cwd: string): PathFacts {
  const absolute = resolve(cwd, path);
  const rest: string[] = [];
  let current = absolute;
  for (;;) {
    let stats: BigIntStats;
    try {
      stats = statSync(current, { bigint: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code === "ENOENT" || code === "ENOTDIR") && dirname(current) !== current) {
        rest.unshift(basename(current));
        current = dirname(current);
        continue;
      }
      return unresolvable(absolute, describeLookupError(error));
    }
    let real: string;
    try {
      real = realpathSync.native(current);
    } catch (error) {
      return unresolvable(absolute, describeLookupError(error));
    }
    const kind = kindOf(stats);
    const facts: PathFacts = {
      path: absolute,
      real: rest.length === 0 ? real : join(real, ...rest),
      caseInsensitive: namesIgnoreCase(real),
      existing: { real, kind, writable: kind === "directory" && writable(real) },
    };
    if (rest.length === 0) {
      facts.entry = { kind, dev: stats.dev, ino: stats.ino };
    } else if (rest.length === 1 && isSymbolicLink(absolute)) {
      facts.danglingLink = true;
    }
    return facts;
  }
}

function unresolvable(path: string, reason: string): PathFacts {
  return {
    path,
    real: path,
    caseInsensitive: false,
    existing: { real: path, kind: "special file", writable: false },
    unresolvable: reason,
  };
}

function describeLookupError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ELOOP") return "its symbolic links form a loop (too many levels of symbolic links)";
  return describeFileSystemError(error);
}

function kindOf(stats: BigIntStats): EntryKind {
  if (stats.isFile()) return "file";
  if (stats.isDirectory()) return "directory";
  if (stats.isFIFO()) return "named pipe (FIFO)";
  if (stats.isSocket()) return "socket";
  if (stats.isCharacterDevice()) return "character device";
  if (stats.isBlockDevice()) return "block device";
  return "special file";
}

function writable(directory: string): boolean {
  try {
    accessSync(directory, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function isSymbolicLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Whether the folder holding `real` finds names whatever their case: the last name of `real` that
 * has letters is looked up with its case swapped, and is the same entry. A path with no letters
 * (`/`) is taken as case-sensitive.
 */
function namesIgnoreCase(real: string): boolean {
  for (let current = real; dirname(current) !== current; current = dirname(current)) {
    const name = basename(current);
    const swapped = swapCase(name);
    if (swapped === name) continue;
    try {
      const a = statSync(current, { bigint: true });
      const b = statSync(join(dirname(current), swapped), { bigint: true });
      return a.dev === b.dev && a.ino === b.ino;
    } catch {
      return false;
    }
  }
  return false;
}

function swapCase(name: string): string {
  let swapped = "";
  for (const char of name) {
    const upper = char.toUpperCase();
    swapped += upper === char ? char.toLowerCase() : upper;
  }
  return swapped;
}
