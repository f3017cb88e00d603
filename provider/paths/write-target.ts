import type { PathFacts } from "./facts";

/** Folders that hold the system's own entries: nothing of the package's is written there. */
export const SYSTEM_FOLDERS = ["/proc", "/sys", "/dev"] as const;

/**
 * Why the package cannot write a file (`"file"`) or make and fill a folder (`"folder"`) at a path,
 * as a plain fact ("it is a directory"), or undefined when it can. Missing folders on the way are
 * fine, as the package makes them (`pulumi up` does for `resultsPath`, the split for
 * `shardCacheDir`): the deepest part that exists must be a folder that can be written. Refused: a
 * path that cannot be looked up (a symbolic link loop), an existing entry of the wrong kind (a
 * folder or anything but a regular file for a file; anything but a folder for a folder), a
 * symbolic link to nothing for a folder, and paths under `/proc`, `/sys` and `/dev`.
 */
export function writeTargetProblem(facts: PathFacts, target: "file" | "folder"): string | undefined {
  if (facts.unresolvable !== undefined) return `it cannot be looked up: ${facts.unresolvable}`;
  const entry = facts.entry;
  if (entry !== undefined) {
    if (target === "file" && entry.kind === "directory") return "it is a directory";
    if (target === "file" && entry.kind !== "file") return `it is a ${entry.kind}, not a regular file`;
    if (target === "folder" && entry.kind !== "directory") return `it is a ${entry.kind}, not a folder`;
  }
  if (target === "folder" && facts.danglingLink === true) {
    return "it is a symbolic link to a path that does not exist";
  }
  const system = SYSTEM_FOLDERS.find(
    (folder) => facts.real === folder || facts.real.startsWith(`${folder}/`),
  );
  if (system !== undefined) {
    return `it is under ${system} (${facts.real}), which holds the system's own entries`;
  }
  if (entry === undefined || target === "folder") {
    const { existing } = facts;
    if (existing.kind !== "directory") {
      return `${existing.real} is a ${existing.kind}, not a folder, so nothing can be made under it`;
    }
    if (!existing.writable) {
      return `the folder ${existing.real} cannot be written to (no permission, or a read-only file system)`;
    }
  }
  return undefined;
}
