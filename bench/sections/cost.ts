import { createHash } from "node:crypto";
import { createReadStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { ensureCostJsonl, ensurePrefix } from "../dataset/cost-requests";
import { removeGenerated } from "../dataset/files";
import { runInChild } from "../lib/child";
import type { Measurement } from "../lib/measure";
import { MIB, mibPerSecond } from "../lib/stats";
import type { Assertion, Row, SectionOptions, SectionResult } from "../report/types";
import type { CostProbeKind, CostProbeResult } from "./cost-probe";

type Probe = Measurement<CostProbeResult>;

function probe(kind: CostProbeKind, path: string, extra: string[] = []): Promise<Probe> {
  return runInChild<Probe>(require.resolve("./cost-probe"), [kind, path, ...extra], { timeoutMs: 1_800_000 });
}

function sha256Of(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(path)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", reject)
      .on("end", () => resolve(hash.digest("hex")));
  });
}

/**
 * Figure 6: counting the tokens of a batch input at preview. The package's counter in worker
 * threads on a cold cache, then on a warm one, against the reference tokenizers (js-tiktoken and
 * tiktoken's WASM), the package's tokenizer on one thread and gpt-tokenizer's own counter (which
 * the package used before), all on the same texts in this run.
 */
export async function runCostSection(options: SectionOptions): Promise<Omit<SectionResult, "durationMs">> {
  const mib = options.quick ? 8 : 200;
  const sliceMiB = options.quick ? 2 : 16;
  const cores = availableParallelism();
  const path = ensureCostJsonl(options.dataDir, mib);
  const slice = ensurePrefix(path, sliceMiB);
  const bytes = statSync(path).size;
  const sliceBytes = statSync(slice).size;
  const sha256 = await sha256Of(path);
  const cacheDir = mkdtempSync(join(tmpdir(), "bench-cost-cache-"));
  try {
    const cold = await probe("cold", path, [cacheDir, sha256]);
    const cached = await probe("cached", path, [cacheDir, sha256]);
    const single = await probe("single", slice);
    const packageCounter = await probe("package", slice);
    const gptTokenizer = await probe("gpt-tokenizer", slice);
    const jsTiktoken = await probe("js-tiktoken", slice);
    const wasm = await probe("tiktoken", slice);

    const speed = (run: Probe, size: number) => mibPerSecond(size, run.ms);
    const fastestReference = Math.max(speed(jsTiktoken, sliceBytes), speed(wasm, sliceBytes));
    const coldSpeed = speed(cold, bytes);
    const label = `${(bytes / MIB).toFixed(0)} MiB`;
    const rows: Row[] = [
      {
        name: `count ${label}, cold cache, ${cold.result.threads} worker thread${cold.result.threads === 1 ? "" : "s"}: throughput`,
        value: coldSpeed,
        unit: "MiB/s",
        baseline: { name: "fastest reference, one core", value: fastestReference },
        ratio: coldSpeed / fastestReference,
        target: `≥ ${cores}× (the machine's cores)`,
        met: coldSpeed / fastestReference >= cores,
      },
      {
        name: `count ${label}, cold cache: peak RSS growth`,
        value: cold.rssGrowthBytes / MIB,
        unit: "MiB",
        target: "≤ 128 MiB",
        met: cold.rssGrowthBytes <= 128 * MIB,
      },
      {
        name: `count ${label}, cached: time added`,
        value: cached.ms,
        unit: "ms",
        target: "< 50 ms",
        met: cached.ms < 50,
      },
      { name: `count ${label}, cached: peak RSS growth`, value: cached.rssGrowthBytes / MIB, unit: "MiB" },
      {
        name: `tallyFile, one thread (${sliceMiB} MiB): loading, JSON and framing included`,
        value: speed(single, sliceBytes),
        unit: "MiB/s",
      },
      {
        name: `the package's counter, one thread (${sliceMiB} MiB), counted as the references are`,
        value: speed(packageCounter, sliceBytes),
        unit: "MiB/s",
      },
      {
        name: `gpt-tokenizer's own counter (the counter before), one thread (${sliceMiB} MiB)`,
        value: speed(gptTokenizer, sliceBytes),
        unit: "MiB/s",
      },
      {
        name: `js-tiktoken, one thread (${sliceMiB} MiB)`,
        value: speed(jsTiktoken, sliceBytes),
        unit: "MiB/s",
      },
      { name: `tiktoken WASM, one thread (${sliceMiB} MiB)`, value: speed(wasm, sliceBytes), unit: "MiB/s" },
      {
        name: `js-tiktoken, one thread (${sliceMiB} MiB): peak RSS growth`,
        value: jsTiktoken.rssGrowthBytes / MIB,
        unit: "MiB",
      },
    ];
    const assertions: Assertion[] = [
      {
        name: "cost: the counter's tokens equal gpt-tokenizer's and both references' on the same texts",
        pass:
          packageCounter.result.tokens === single.result.tokens &&
          single.result.tokens === gptTokenizer.result.tokens &&
          single.result.tokens === jsTiktoken.result.tokens &&
          single.result.tokens === wasm.result.tokens,
        detail: `the package ${single.result.tokens}, gpt-tokenizer ${gptTokenizer.result.tokens}, js-tiktoken ${jsTiktoken.result.tokens}, tiktoken ${wasm.result.tokens}`,
      },
      {
        name: "cost: the cached count equals the cold count",
        pass: cached.result.tokens === cold.result.tokens && cold.result.tokens > 0,
        detail: `cold ${cold.result.tokens}, cached ${cached.result.tokens}`,
      },
      {
        name: "cost: the cached run reads at most the cache entry, not the input",
        pass: cached.readBytes === null || cached.readBytes < 1024 * 1024,
        detail: `read ${cached.readBytes ?? "n/a"} bytes`,
      },
    ];
    return {
      id: "cost",
      title: "6. Count the tokens of a batch input at preview (/v1/chat/completions JSONL)",
      rows,
      assertions,
      notes: [
        `The input is ${label} of chat requests of mixed text (English, French, German, Japanese, emoji, code); the one-thread rows count its first ${sliceMiB} MiB, the same texts, with the same chat framing. The references, gpt-tokenizer and "counted as the references are" load their encoding before the clock starts; tallyFile's row includes loading it, reading the file and parsing every line.`,
        "Cold: checkCost with an empty cache, counting in as many worker threads as the 128 MiB memory budget holds (one: each thread loads its own copy of the encoding tables), and writing the cache. The target multiplies the reference by the machine's cores, not by the threads used. Cached: checkCost again, reading the cache entry only. Each run is a fresh process; RSS growth includes the worker threads.",
      ],
    };
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
    if (!options.keepData) {
      removeGenerated(path);
      removeGenerated(slice);
    }
  }
}
