import { randomBytes } from "node:crypto";
import { ensureJsonl, removeGenerated, sizeOf, specForMiB } from "../dataset/files";
import { runInChild } from "../lib/child";
import { callShape, EmulatorProcess } from "../lib/emulator-process";
import type { Measurement } from "../lib/measure";
import { MIB, median, mibPerSecond, ratio } from "../lib/stats";
import type { Assertion, Row, SectionOptions, SectionResult } from "../report/types";
import type { UploadProbeKind, UploadProbeResult } from "./upload-probe";

const TARGET_RSS_MIB = 64;
/** Regression bounds that fail the run. */
const MIN_THROUGHPUT_VS_SDK = 0.25;

type Probe = Measurement<UploadProbeResult> & { calls: string[] };

/**
 * Figure 2: uploading the input as the provider does, against the `openai` SDK's
 * `files.create({ file: fs.createReadStream(path) })`. The emulator runs in a process of its own;
 * each upload runs in a fresh process.
 */
export async function runUploadSection(options: SectionOptions): Promise<Omit<SectionResult, "durationMs">> {
  const mib = options.quick ? 64 : 200;
  const spec = specForMiB(mib, options.quick ? 16_000 : 50_000);
  const bytes = sizeOf(spec);
  const repeats = options.quick ? 1 : 5;
  const path = ensureJsonl(options.dataDir, spec);
  const emulator = await EmulatorProcess.start({
    apiKey: `sk-bench-${randomBytes(8).toString("hex")}`,
    manualClock: false,
  });
  const runs: Record<UploadProbeKind, Probe[]> = { provider: [], sdk: [] };
  try {
    for (let run = 0; run < repeats; run += 1) {
      for (const kind of ["provider", "sdk"] as const) {
        await emulator.reset();
        const measured = await runInChild<Measurement<UploadProbeResult>>(
          require.resolve("./upload-probe"),
          [kind, path, emulator.url, emulator.apiKey],
          { timeoutMs: 300_000 },
        );
        runs[kind].push({
          ...measured,
          calls: (await emulator.calls()).map((call) => `${callShape(call)} ${call.status}`),
        });
      }
    }
    await emulator.reset();
  } finally {
    await emulator.stop();
    if (!options.keepData) removeGenerated(path);
  }

  const label = `${mib} MiB`;
  const throughput = median(runs.provider.map((run) => mibPerSecond(bytes, run.ms)));
  const sdkThroughput = median(runs.sdk.map((run) => mibPerSecond(bytes, run.ms)));
  const growth = Math.max(...runs.provider.map((run) => run.rssGrowthBytes)) / MIB;
  const sdkGrowth = Math.max(...runs.sdk.map((run) => run.rssGrowthBytes)) / MIB;
  const rows: Row[] = [
    {
      name: `provider upload ${label}: throughput`,
      value: throughput,
      unit: "MiB/s",
      baseline: { name: "SDK createReadStream", value: sdkThroughput },
      ratio: ratio(throughput, sdkThroughput),
    },
    {
      name: `provider upload ${label}: peak RSS growth`,
      value: growth,
      unit: "MiB",
      baseline: { name: "SDK createReadStream", value: sdkGrowth },
      ratio: ratio(growth, sdkGrowth),
      target: `≤ ${TARGET_RSS_MIB} MiB`,
      met: growth <= TARGET_RSS_MIB,
    },
    {
      name: `provider upload ${label}: HTTP calls per upload`,
      value: median(runs.provider.map((run) => run.calls.length)),
      unit: "",
      baseline: { name: "SDK", value: median(runs.sdk.map((run) => run.calls.length)) },
      ratio: ratio(
        median(runs.provider.map((run) => run.calls.length)),
        median(runs.sdk.map((run) => run.calls.length)),
      ),
    },
  ];
  const assertions: Assertion[] = [];
  for (const kind of ["provider", "sdk"] as const) {
    const wrong = runs[kind].find(
      (run) => run.result.bytes !== bytes || run.calls.length !== 1 || run.calls[0] !== "POST /v1/files 200",
    );
    assertions.push({
      name: `upload ${label} (${kind}): exactly one call, POST /v1/files 200, with every byte`,
      pass: wrong === undefined,
      detail:
        wrong === undefined
          ? `${bytes} bytes`
          : `${wrong.result.bytes} bytes; calls ${JSON.stringify(wrong.calls)}`,
    });
  }
  const throughputRatio = ratio(throughput, sdkThroughput);
  assertions.push({
    name: `upload ${label}: provider throughput ≥ ${MIN_THROUGHPUT_VS_SDK}× the SDK's`,
    pass: throughputRatio !== null && throughputRatio >= MIN_THROUGHPUT_VS_SDK,
    detail: `${throughput.toFixed(0)} vs ${sdkThroughput.toFixed(0)} MiB/s`,
  });
  assertions.push({
    name: `upload ${label}: provider peak RSS growth ≤ ${TARGET_RSS_MIB} MiB (the upload is streamed)`,
    pass: growth <= TARGET_RSS_MIB,
    detail: `${growth.toFixed(1)} MiB (the SDK's: ${sdkGrowth.toFixed(1)} MiB)`,
  });
  const notes = [
    `Each upload runs in a fresh process against the emulator, which runs in a process of its own; median of ${repeats} upload(s) (peak RSS growth: the largest).`,
    "The provider hands the SDK a File backed by the file on disk (fs.openAsBlob) and sends multipart bodies through node:http with back-pressure, because Node 20's fetch (undici) queues a request body faster than the socket drains it (nodejs/undici#4058). The SDK's documented way, files.create with fs.createReadStream, reads the whole file into memory first.",
  ];
  return {
    id: "upload",
    title: "2. Upload the input file to the emulator as the provider does",
    rows,
    assertions,
    notes,
  };
}
