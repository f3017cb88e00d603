import { statSync } from "node:fs";
import { LIMITS } from "../../provider/contract";
import { ensureJsonl, ensureSparse, removeGenerated, specForMiB } from "../dataset/files";
import { runInChild } from "../lib/child";
import { jqVersion } from "../lib/machine";
import type { Measurement } from "../lib/measure";
import { MIB } from "../lib/stats";
import type { Assertion, Row, SectionOptions, SectionResult } from "../report/types";
import { runJq } from "./jq";
import { acceptedFigures, refusalFigures } from "./validate-figures";
import type { ValidateProbeKind, ValidateProbeResult } from "./validate-probe";

/** An input size to measure: MiB, lines, and whether it is generated (or a sparse file). */
interface Size {
  mib: number;
  lines: number;
  sparse: boolean;
}

const FULL_SIZES: Size[] = [
  { mib: 50, lines: 12_500, sparse: false },
  { mib: 200, lines: 50_000, sparse: false },
  { mib: 400, lines: 100_000, sparse: false },
];
const QUICK_SIZES: Size[] = [
  { mib: 64, lines: 16_000, sparse: false },
  { mib: 400, lines: 100_000, sparse: true },
];

type Probe = Measurement<ValidateProbeResult>;

/**
 * Figure 1: validating and hashing a batch input. The provider's streaming validator against the
 * naive in-memory way and `jq -c .`, each run in a fresh process, at several sizes; above 200 MiB
 * the validator must refuse the file from its size alone.
 */
export async function runValidateSection(
  options: SectionOptions,
): Promise<Omit<SectionResult, "durationMs">> {
  const sizes = options.quick ? QUICK_SIZES : FULL_SIZES;
  const repeats = options.quick ? 1 : 5;
  const jq = jqVersion();
  const rows: Row[] = [];
  const assertions: Assertion[] = [];
  const notes: string[] = [
    `Each run is a fresh process; the figure is the median of ${repeats} run(s) (peak RSS growth: the largest). Throughput is input bytes / wall time of the call.`,
    `MiB = 2^20 bytes; the 200 MiB input is 50,000 lines of 4,194 bytes. The validator refuses inputs over ${LIMITS.maxFileBytes / MIB} MiB from their size.`,
  ];
  if (jq === null) notes.push("jq is not installed: the jq rows are skipped.");

  for (const size of sizes) {
    const spec = specForMiB(size.mib, size.lines);
    const path = size.sparse
      ? ensureSparse(options.dataDir, size.mib * MIB)
      : ensureJsonl(options.dataDir, spec);
    const fileBytes = statSync(path).size;
    const refused = fileBytes > LIMITS.maxFileBytes;
    const validatorRuns: Probe[] = [];
    const naiveRuns: Probe[] = [];
    for (let run = 0; run < repeats; run += 1) {
      validatorRuns.push(await probe("validator", path));
      if (!size.sparse) naiveRuns.push(await probe("naive", path));
    }
    const jqRun = jq !== null && !size.sparse ? await runJq(path) : undefined;
    const label = `${size.mib} MiB${size.sparse ? " (sparse file)" : ""}`;
    if (refused) {
      refusalFigures(label, fileBytes, validatorRuns, naiveRuns, rows, assertions);
    } else {
      acceptedFigures(label, spec, validatorRuns, naiveRuns, jqRun, rows, assertions);
    }
    if (!options.keepData) removeGenerated(path);
  }
  return {
    id: "validate",
    title: "1. Validate and hash a batch input (/v1/chat/completions JSONL)",
    rows,
    assertions,
    notes,
  };
}

function probe(kind: ValidateProbeKind, path: string): Promise<Probe> {
  return runInChild<Probe>(require.resolve("./validate-probe"), [kind, path], { timeoutMs: 120_000 });
}
