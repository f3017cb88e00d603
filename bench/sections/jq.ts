import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { peakRssOf } from "../lib/proc-io";

export interface JqRun {
  ms: number;
  /** jq's own peak RSS (it has no imports to subtract), in bytes; null without /proc. */
  peakRssBytes: number | null;
  exitCode: number | null;
}

/** Times `jq -c . <path> > /dev/null`, sampling its peak RSS from /proc while it runs. */
export function runJq(path: string): Promise<JqRun> {
  const devNull = openSync("/dev/null", "w");
  const started = performance.now();
  const child = spawn("jq", ["-c", ".", path], { stdio: ["ignore", devNull, "ignore"] });
  let peak: number | null = null;
  const sample = () => {
    const rss = child.pid === undefined ? undefined : peakRssOf(child.pid);
    if (rss !== undefined) peak = Math.max(peak ?? 0, rss);
  };
  const timer = setInterval(sample, 5);
  return new Promise<JqRun>((resolve, reject) => {
    child.once("error", (error) => {
      clearInterval(timer);
      closeSync(devNull);
      reject(error);
    });
    child.once("exit", (code) => {
      const ms = performance.now() - started;
      clearInterval(timer);
      closeSync(devNull);
      resolve({ ms, peakRssBytes: peak, exitCode: code });
    });
  });
}
