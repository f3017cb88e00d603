import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { LIMITS } from "../../provider/contract";
import { ensureJsonl, removeGenerated, specForMiB } from "../dataset/files";
import { runInChild } from "../lib/child";
import type { Measurement } from "../lib/measure";
import { MIB } from "../lib/stats";
import type { Assertion, Row, SectionOptions, SectionResult } from "../report/types";
import type { SplitProbeResult } from "./split-probe";

/** The full run splits 1,000,000 requests in 2 GiB; the quick run 100,000 requests in 100 MiB. */
const FULL = { mib: 2_048, lines: 1_000_000 };
const QUICK = { mib: 100, lines: 100_000 };
const RSS_LIMIT_BYTES = 128 * MIB;

/**
 * Figure 6: the content-defined split of a `BatchSet` against GNU `split -l 50000` on the same
 * file in the same run (both write every shard to disk), and the split's peak RSS growth.
 */
export async function runSplitSection(options: SectionOptions): Promise<Omit<SectionResult, "durationMs">> {
  const size = options.quick ? QUICK : FULL;
  const spec = specForMiB(size.mib, size.lines);
  const path = ensureJsonl(options.dataDir, spec);
  const bytes = statSync(path).size;
  const rows: Row[] = [];
  const assertions: Assertion[] = [];
  const notes = [
    `Input: ${size.lines.toLocaleString("en-US")} request lines of ${spec.lineBytes} bytes (${(bytes / MIB).toFixed(0)} MiB). Both splits write every shard to disk; throughput is input bytes / wall time. The split runs in a fresh process, as the program side of \`pulumi preview\`.`,
  ];
  const work = mkdtempSync(join(options.dataDir, "split-"));
  try {
    const probe = await runInChild<Measurement<SplitProbeResult>>(
      join(__dirname, "split-probe.js"),
      [path, join(work, "cache")],
      { timeoutMs: 30 * 60_000 },
    );
    rmSync(join(work, "cache"), { recursive: true, force: true });
    const gnu = gnuSplit(path, join(work, "gnu-"));
    rmSync(work, { recursive: true, force: true });

    const ours = bytes / MIB / (probe.ms / 1000);
    const theirs = gnu === undefined ? null : bytes / MIB / (gnu / 1000);
    const ratio = theirs === null ? null : ours / theirs;
    rows.push({
      name: `BatchSet split ${(bytes / MIB).toFixed(0)} MiB: throughput`,
      value: round(ours),
      unit: "MiB/s",
      baseline: { name: "GNU split -l 50000", value: theirs === null ? null : round(theirs) },
      ratio: ratio === null ? null : round(ratio),
      target: "≥ 0.5× GNU split",
      met: ratio !== null && ratio >= 0.5,
    });
    rows.push({
      name: "BatchSet split: peak RSS growth",
      value: round(probe.rssGrowthBytes / MIB),
      unit: "MiB",
      target: "< 128 MiB",
      met: probe.rssGrowthBytes < RSS_LIMIT_BYTES,
    });
    rows.push({ name: "BatchSet split: shards", value: probe.result.shards, unit: "shards" });
    rows.push({
      name: "BatchSet split: largest shard",
      value: probe.result.largestShardRequests,
      unit: "requests",
    });
    assertions.push({
      name: "every request is in exactly one shard, and no shard is over a limit",
      pass:
        probe.result.requests === size.lines &&
        probe.result.largestShardRequests <= LIMITS.maxLines &&
        probe.result.largestShardBytes <= LIMITS.maxFileBytes,
      detail: `${probe.result.requests} requests in ${probe.result.shards} shards; largest ${probe.result.largestShardRequests} requests, ${probe.result.largestShardBytes} bytes`,
    });
    assertions.push({
      name: "the split's peak RSS growth stays under 128 MiB",
      pass: probe.rssGrowthBytes < RSS_LIMIT_BYTES,
      detail: `${(probe.rssGrowthBytes / MIB).toFixed(1)} MiB`,
    });
    if (ratio !== null) {
      // A robust floor, far below the target, so that a loaded machine does not fail the run.
      assertions.push({
        name: "the split runs at least 0.03× as fast as GNU split",
        pass: ratio >= 0.03,
        detail: `${ratio.toFixed(2)}×`,
      });
    } else {
      notes.push("GNU split is not installed: its row is empty.");
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
    if (!options.keepData) removeGenerated(path);
  }
  notes.push("The time of `pulumi preview` per shard is not measured yet.");
  return { id: "split", title: "8. Split a BatchSet input into shards", rows, assertions, notes };
}

/** Wall time of `split -l 50000 <path> <prefix>` in ms; undefined without GNU split. */
function gnuSplit(path: string, prefix: string): number | undefined {
  const started = performance.now();
  const run = spawnSync("split", ["-l", "50000", path, prefix], { stdio: "ignore" });
  const ms = performance.now() - started;
  return run.status === 0 ? ms : undefined;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
