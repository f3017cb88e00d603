// Preloaded with `node --require`: when the process exits, writes its peak resident set size in
// KiB to the file named by PEAK_RSS_FILE. On Linux it is VmHWM of /proc/self/status: the peak of
// this process's own memory. (`process.resourceUsage().maxRSS` would not do: Linux carries the
// resident size of the parent at fork time over the exec into it, so a child of a big test
// process would report the parent's size.) Elsewhere it falls back to maxRSS.
const { readFileSync, writeFileSync } = require("node:fs");

function peakKiB() {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (match) return Number(match[1]);
  } catch {
    // No /proc: not Linux.
  }
  return process.resourceUsage().maxRSS;
}

const target = process.env.PEAK_RSS_FILE;
if (target) {
  process.on("exit", () => writeFileSync(target, String(peakKiB())));
}
