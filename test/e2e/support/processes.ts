/**
 * The processes of an engine operation, read from Linux's /proc: the `pulumi` process that the
 * Automation API started from this test process, and the processes the engine started in turn
 * (the provider hosts). For tests that kill the engine the way a CI job's time limit does.
 */
import { readdirSync, readFileSync } from "node:fs";

interface ProcessStat {
  pid: number;
  /** The executable's name, as the kernel keeps it (at most 15 characters). */
  comm: string;
  /** One letter: R, S, D, Z (a zombie: exited, not yet reaped)... */
  state: string;
  ppid: number;
}

function statOf(pid: number): ProcessStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split at the last ")".
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  const [state = "", ppid = "0"] = text.slice(close + 2).split(" ");
  return { pid, comm: text.slice(open + 1, close), state, ppid: Number(ppid) };
}

function allStats(): ProcessStat[] {
  const stats: ProcessStat[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = statOf(Number(name));
    if (stat !== undefined) stats.push(stat);
  }
  return stats;
}

/** Whether the process runs (a zombie, which has exited, does not). */
export function isRunning(pid: number): boolean {
  const stat = statOf(pid);
  return stat !== undefined && stat.state !== "Z";
}

/** The running children of `parent` whose executable is `comm`. */
export function childrenNamed(parent: number, comm: string): number[] {
  return allStats()
    .filter((s) => s.ppid === parent && s.comm === comm && s.state !== "Z")
    .map((s) => s.pid);
}

/** Every running descendant of `root`, with its executable's name. */
export function descendantsOf(root: number): { pid: number; comm: string }[] {
  const stats = allStats();
  const found: { pid: number; comm: string }[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift() as number;
    for (const stat of stats) {
      if (stat.ppid !== parent || stat.state === "Z") continue;
      found.push({ pid: stat.pid, comm: stat.comm });
      queue.push(stat.pid);
    }
  }
  return found;
}
