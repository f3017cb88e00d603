/**
 * Which temporary files and folders a process left behind. Each is named after the process that
 * made it (its pid); one whose process is gone was left by a run that was killed, and can go. One
 * that has not changed for a day goes too, whoever made it (a pid can be used again, and a
 * name without one comes from an earlier version). A live writer touches its file at every block
 * it writes, so it is never taken for a leftover.
 */

/** A temporary entry left alone for this long is a leftover, whatever its pid says. */
export const LEFTOVER_AFTER_MS = 24 * 3600_000;

export interface TempEntry {
  /** The pid in its name; undefined for a name without one. */
  pid: number | undefined;
  /** When it last changed. */
  mtimeMs: number;
}

/** Whether `entry` is a leftover of a run that ended, at `nowMs`, given which pids are alive. */
export function isLeftover(entry: TempEntry, nowMs: number, alive: (pid: number) => boolean): boolean {
  if (nowMs - entry.mtimeMs > LEFTOVER_AFTER_MS) return true;
  return entry.pid !== undefined && entry.pid !== process.pid && !alive(entry.pid);
}

/** Whether a process with this pid runs (on this machine). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
