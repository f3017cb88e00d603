import { lstatSync, rmSync } from "node:fs";
import { lstat, mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isLeftover, processAlive } from "./leftovers";

/**
 * The package's temporary folders (the spool of a results join, the input of a follow-up batch),
 * all in one folder of their own under the system's temporary folder, one per user:
 * `<tmp>/pulumi-openai-batch-<uid>/<pid>-<kind>-<random>`. Each is removed when its work ends,
 * on success or error, and at the latest when the process exits; a process that is killed
 * leaves its folder behind, and the next one to make a folder here removes it (see
 * leftovers.ts).
 */

const PREFIX = "pulumi-openai-batch";

/** The folder of this user's temporary folders. */
export function tempRoot(): string {
  const uid = typeof process.getuid === "function" ? process.getuid() : undefined;
  return join(tmpdir(), uid === undefined ? PREFIX : `${PREFIX}-${uid}`);
}

/**
 * Makes a temporary folder for `kind` of work (e.g. `results`), after removing the leftovers of
 * runs that ended. Remove it with `removeTempDir`.
 */
export async function makeTempDir(kind: string): Promise<string> {
  const root = await ownRoot();
  if (root === undefined) {
    // The shared folder is not this user's own: a folder of its own beside it, not swept.
    return remember(await mkdtemp(join(tmpdir(), `${PREFIX}-${process.pid}-${kind}-`)));
  }
  await removeLeftovers(root);
  return remember(await mkdtemp(join(root, `${process.pid}-${kind}-`)));
}

export async function removeTempDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  live.delete(dir);
}

/** The root, made if needed; undefined when it is not a folder of this user's only. */
async function ownRoot(): Promise<string | undefined> {
  const root = tempRoot();
  await mkdir(root, { recursive: true, mode: 0o700 }).catch(() => undefined);
  try {
    const stat = await lstat(root);
    // Where there are no uids (Windows), the folder is under the user's own temporary folder.
    const posix = typeof process.getuid === "function";
    const mine = !posix || stat.uid === process.getuid?.();
    const closed = !posix || (stat.mode & 0o077) === 0;
    return stat.isDirectory() && mine && closed ? root : undefined;
  } catch {
    return undefined;
  }
}

/** Removes the folders of runs that ended; one that cannot be read or removed is left. */
export async function removeLeftovers(root: string): Promise<void> {
  const names = await readdir(root).catch(() => [] as string[]);
  const now = Date.now();
  for (const name of names) {
    const pid = Number(/^(\d+)-/.exec(name)?.[1] ?? Number.NaN);
    try {
      const stat = await lstat(join(root, name));
      if (
        isLeftover({ pid: Number.isInteger(pid) ? pid : undefined, mtimeMs: stat.mtimeMs }, now, processAlive)
      ) {
        await rm(join(root, name), { recursive: true, force: true });
      }
    } catch {
      // Gone already, or not ours to remove.
    }
  }
}

/** Folders in use, removed when the process exits (a signal that ends the process skips this). */
const live = new Set<string>();
let hooked = false;

function remember(dir: string): string {
  live.add(dir);
  if (!hooked) {
    hooked = true;
    process.once("exit", removeLiveSync);
  }
  return dir;
}

/** Removes the temporary paths still in use; for the `exit` event, so synchronous. */
export function removeLiveSync(): void {
  for (const path of live) {
    try {
      if (lstatSync(path, { throwIfNoEntry: false }) !== undefined)
        rmSync(path, { recursive: true, force: true });
    } catch {
      // Nothing more can be done on the way out.
    }
  }
  live.clear();
}

/** Marks a path (a file or a folder) to be removed if the process exits while it is in use. */
export function removeAtExit(path: string): void {
  remember(path);
}

/** The path is no longer in use (it was renamed or removed). */
export function forget(path: string): void {
  live.delete(path);
}
