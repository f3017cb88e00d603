import { readFileSync } from "node:fs";

/**
 * How many bytes this process has read through read(2) and friends so far (`rchar` of
 * /proc/self/io), page cache included; undefined where Linux's /proc is not available.
 */
export function bytesReadSoFar(): number | undefined {
  try {
    const match = /^rchar:\s*(\d+)$/m.exec(readFileSync("/proc/self/io", "utf8"));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The peak resident set size of another process (VmHWM of /proc/<pid>/status), in bytes. */
export function peakRssOf(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s*(\d+)\s*kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
