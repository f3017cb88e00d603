import { performance } from "node:perf_hooks";
import { bytesReadSoFar } from "./proc-io";

/** What one measured run cost: wall time, peak RSS growth over the baseline, and bytes read. */
export interface Measurement<T> {
  ms: number;
  /** Peak RSS during the run minus the peak RSS before it (both maxRSS), in bytes. */
  rssGrowthBytes: number;
  /** The peak RSS before the run (after every import), in bytes. */
  baselineRssBytes: number;
  /** Bytes the process read through read(2) during the run; null without /proc. */
  readBytes: number | null;
  result: T;
}

/**
 * Runs `task` once and measures it. Call it in a fresh process (see `runInChild`) after every
 * import, so that the baseline holds the modules and the peak holds only what the task added.
 */
export async function measure<T>(task: () => Promise<T>): Promise<Measurement<T>> {
  const baselineKiB = process.resourceUsage().maxRSS;
  const readBefore = bytesReadSoFar();
  const started = performance.now();
  const result = await task();
  const ms = performance.now() - started;
  const peakKiB = process.resourceUsage().maxRSS;
  const readAfter = bytesReadSoFar();
  return {
    ms,
    rssGrowthBytes: (peakKiB - baselineKiB) * 1024,
    baselineRssBytes: baselineKiB * 1024,
    readBytes: readBefore === undefined || readAfter === undefined ? null : readAfter - readBefore,
    result,
  };
}
