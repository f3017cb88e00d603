// Preloaded with `node --require`: when the process exits, writes its peak resident set size
// (process.resourceUsage().maxRSS, in KiB) to the file named by PEAK_RSS_FILE.
const { writeFileSync } = require("node:fs");

const target = process.env.PEAK_RSS_FILE;
if (target) {
  process.on("exit", () => writeFileSync(target, String(process.resourceUsage().maxRSS)));
}
