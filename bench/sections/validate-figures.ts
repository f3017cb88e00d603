import { type JsonlSpec, sizeOf } from "../dataset/files";
import type { Measurement } from "../lib/measure";
import { MIB, median, mibPerSecond, ratio } from "../lib/stats";
import type { Assertion, Row } from "../report/types";
import type { JqRun } from "./jq";
import type { ValidateProbeResult } from "./validate-probe";

/** The project's targets for validation. */
export const TARGET_MIB_PER_S = 200;
export const TARGET_RSS_MIB = 64;
/** Regression bounds that fail the run (bench/README.md lists them). */
const MIN_THROUGHPUT_VS_NAIVE = 0.25;
const MAX_RSS_VS_NAIVE = 0.5;
const MAX_REFUSAL_READ_BYTES = MIB;

type Probe = Measurement<ValidateProbeResult>;

/** Rows and assertions for an input the validator accepts: throughput, memory, exact hash. */
export function acceptedFigures(
  label: string,
  spec: JsonlSpec,
  validatorRuns: Probe[],
  naiveRuns: Probe[],
  jqRun: JqRun | undefined,
  rows: Row[],
  assertions: Assertion[],
): void {
  const bytes = sizeOf(spec);
  const throughput = median(validatorRuns.map((run) => mibPerSecond(bytes, run.ms)));
  const naiveThroughput = median(naiveRuns.map((run) => mibPerSecond(bytes, run.ms)));
  const growth = Math.max(...validatorRuns.map((run) => run.rssGrowthBytes)) / MIB;
  const naiveGrowth = Math.max(...naiveRuns.map((run) => run.rssGrowthBytes)) / MIB;
  rows.push({
    name: `validateBatchInput ${label}: throughput`,
    value: throughput,
    unit: "MiB/s",
    baseline: { name: "naive", value: naiveThroughput },
    ratio: ratio(throughput, naiveThroughput),
    target: `≥ ${TARGET_MIB_PER_S} MiB/s`,
    met: throughput >= TARGET_MIB_PER_S,
  });
  if (jqRun !== undefined) {
    const jqThroughput = mibPerSecond(bytes, jqRun.ms);
    rows.push({
      name: `validateBatchInput ${label}: throughput vs jq`,
      value: throughput,
      unit: "MiB/s",
      baseline: { name: "jq -c .", value: jqThroughput },
      ratio: ratio(throughput, jqThroughput),
    });
  }
  rows.push({
    name: `validateBatchInput ${label}: peak RSS growth`,
    value: growth,
    unit: "MiB",
    baseline: { name: "naive", value: naiveGrowth },
    ratio: ratio(growth, naiveGrowth),
    target: `≤ ${TARGET_RSS_MIB} MiB`,
    met: growth <= TARGET_RSS_MIB,
  });
  if (jqRun !== undefined) {
    rows.push({
      name: `jq -c . ${label}: peak RSS of the whole jq process`,
      value: jqRun.peakRssBytes === null ? null : jqRun.peakRssBytes / MIB,
      unit: "MiB",
    });
  }

  const naiveHash = naiveRuns[0]?.result.sha256;
  const bad = validatorRuns.find(
    (run) => !run.result.ok || run.result.lineCount !== spec.lines || run.result.sha256 !== naiveHash,
  );
  assertions.push({
    name: `validate ${label}: accepts every line and hashes exactly the bytes the naive way hashes`,
    pass: bad === undefined && naiveHash !== undefined,
    detail:
      bad === undefined
        ? `${spec.lines} lines, sha256 ${naiveHash}`
        : `ok=${bad.result.ok} lines=${bad.result.lineCount} sha256=${bad.result.sha256} (naive ${naiveHash}); ${bad.result.firstProblem ?? ""}`,
  });
  const throughputRatio = ratio(throughput, naiveThroughput);
  assertions.push({
    name: `validate ${label}: throughput ≥ ${MIN_THROUGHPUT_VS_NAIVE}× the naive way's`,
    pass: throughputRatio !== null && throughputRatio >= MIN_THROUGHPUT_VS_NAIVE,
    detail: `${throughput.toFixed(0)} vs ${naiveThroughput.toFixed(0)} MiB/s`,
  });
  assertions.push({
    name: `validate ${label}: peak RSS growth ≤ ${MAX_RSS_VS_NAIVE}× the naive way's`,
    pass: growth <= MAX_RSS_VS_NAIVE * naiveGrowth,
    detail: `${growth.toFixed(1)} vs ${naiveGrowth.toFixed(1)} MiB`,
  });
  if (bytes <= TARGET_RSS_MIB * MIB) {
    assertions.push({
      name: `validate ${label}: peak RSS growth ≤ ${TARGET_RSS_MIB} MiB (an input this size cannot be held whole)`,
      pass: growth <= TARGET_RSS_MIB,
      detail: `${growth.toFixed(1)} MiB`,
    });
  }
}

/** Rows and assertions for an input over the limit: refused from its size, nothing read. */
export function refusalFigures(
  label: string,
  bytes: number,
  validatorRuns: Probe[],
  naiveRuns: Probe[],
  rows: Row[],
  assertions: Assertion[],
): void {
  const refusalMs = median(validatorRuns.map((run) => run.ms));
  const growth = Math.max(...validatorRuns.map((run) => run.rssGrowthBytes)) / MIB;
  const readBytes = Math.max(...validatorRuns.map((run) => run.readBytes ?? Number.NaN));
  const naiveMs = naiveRuns.length > 0 ? median(naiveRuns.map((run) => run.ms)) : null;
  const naiveGrowth =
    naiveRuns.length > 0 ? Math.max(...naiveRuns.map((run) => run.rssGrowthBytes)) / MIB : null;
  rows.push({
    name: `validateBatchInput ${label}: time to refuse`,
    value: refusalMs,
    unit: "ms",
    ...(naiveMs === null
      ? {}
      : { baseline: { name: "naive reads it all", value: naiveMs }, ratio: ratio(refusalMs, naiveMs) }),
  });
  rows.push({
    name: `validateBatchInput ${label}: bytes read before refusing`,
    value: Number.isNaN(readBytes) ? null : readBytes,
    unit: "bytes",
    ...(naiveRuns.length > 0 ? { baseline: { name: "naive", value: naiveRuns[0]?.readBytes ?? null } } : {}),
    target: "none of the file",
    met: !Number.isNaN(readBytes) && readBytes < MAX_REFUSAL_READ_BYTES,
  });
  rows.push({
    name: `validateBatchInput ${label}: peak RSS growth`,
    value: growth,
    unit: "MiB",
    ...(naiveGrowth === null
      ? {}
      : { baseline: { name: "naive", value: naiveGrowth }, ratio: ratio(growth, naiveGrowth) }),
    target: `≤ ${TARGET_RSS_MIB} MiB`,
    met: growth <= TARGET_RSS_MIB,
  });
  const wrong = validatorRuns.find(
    (run) =>
      run.result.ok || run.result.lineCount !== 0 || run.result.sha256 !== null || run.result.bytes !== bytes,
  );
  assertions.push({
    name: `validate ${label}: refused from its size (not ok, no line read, no hash)`,
    pass: wrong === undefined,
    detail: validatorRuns[0]?.result.firstProblem ?? "no problem reported",
  });
  assertions.push({
    name: `validate ${label}: refused without reading the file (< 1 MiB read) or growing RSS past ${TARGET_RSS_MIB} MiB`,
    pass: (Number.isNaN(readBytes) || readBytes < MAX_REFUSAL_READ_BYTES) && growth <= TARGET_RSS_MIB,
    detail: `${Number.isNaN(readBytes) ? "bytes read unknown (no /proc)" : `${readBytes} bytes read`}, ${growth.toFixed(1)} MiB RSS growth`,
  });
}
