import type { Assertion, Row, SectionOptions, SectionResult } from "../report/types";
import { fixedIntervalPolling, maxPolls } from "./wait-bounds";
import { measureWait, type WaitRun } from "./wait-runs";

const COMPLETIONS: { label: string; ms: number }[] = [
  { label: "1 min", ms: 60_000 },
  { label: "10 min", ms: 600_000 },
  { label: "1 h", ms: 3_600_000 },
  { label: "12 h", ms: 43_200_000 },
];
const CAPS_MS = [30_000, 300_000];
const FIXED_INTERVAL_MS = 5_000;
const SEED = 1;
const QUICK_MAX_INTERVALS = 200;

/**
 * Figure 4: how many retrieve calls `waitForCompletion` makes, and how late it sees completion, for
 * batches that complete after 1 minute to 12 hours, against polling every 5 seconds (computed).
 * The clock is injected: no real time passes.
 */
export async function runWaitSection(options: SectionOptions): Promise<Omit<SectionResult, "durationMs">> {
  const rows: Row[] = [];
  const assertions: Assertion[] = [];
  for (const capMs of CAPS_MS) {
    for (const completion of COMPLETIONS) {
      // Quick mode leaves out its slowest case: 12 hours of 30-second polls (~1,500 HTTP calls).
      if (options.quick && completion.ms / capMs > QUICK_MAX_INTERVALS) continue;
      const run = await measureWait(completion.ms, capMs, SEED);
      const label = `completes after ${completion.label}, pollIntervalSeconds ${capMs / 1000}`;
      const fixed = fixedIntervalPolling(completion.ms, FIXED_INTERVAL_MS);
      const bound = maxPolls(completion.ms, capMs);
      rows.push({
        name: `${label}: retrieve calls`,
        value: run.retrieves,
        unit: "",
        baseline: { name: "every 5 s, computed", value: fixed.calls },
        ratio: run.retrieves / fixed.calls,
        target: `≤ ${bound.toLocaleString("en-US")}`,
        met: run.retrieves <= bound,
      });
      rows.push({
        name: `${label}: completion seen late by`,
        value: run.lateMs / 1000,
        unit: "s",
        baseline: { name: "every 5 s, computed", value: fixed.lateMs / 1000 },
        target: `≤ ${capMs / 1000} s`,
        met: run.lateMs >= 0 && run.lateMs <= capMs,
      });
      assertions.push(...waitAssertions(label, run, bound));
    }
  }
  const notes = [
    "Emulator with a manual clock; the provider's now() is the emulator's clock and its sleep(ms) advances it, so no real time is spent waiting (12 hours of polls take about a second of real time). The emulator's phase durations make each batch complete exactly at the given time. Jitter comes from a seeded generator, so the counts repeat from run to run.",
    `Bound on calls: ceil(T / (0.9 × cap)) + ceil(log2(cap / 1 s)) + 2, that is one call per interval shortened by the most jitter (10%), the doubling start (1 s, 2 s, 4 s, ...), the first call and the one that sees completion. The 5-second baseline is computed: ceil(T / 5 s) + 1 calls, late by ceil(T / 5 s) × 5 s - T.`,
  ];
  return {
    id: "wait",
    title: "4. Waiting for completion (injected clock, no real sleeping)",
    rows,
    assertions,
    notes,
  };
}

function waitAssertions(label: string, run: WaitRun, bound: number): Assertion[] {
  return [
    {
      name: `wait ${label}: the batch completed at the expected second and the wait saw it`,
      pass: run.status === "completed" && run.completedAtSeconds === run.expectedCompletedAtSeconds,
      detail: `status ${run.status}, completed_at ${run.completedAtSeconds} (expected ${run.expectedCompletedAtSeconds})`,
    },
    {
      name: `wait ${label}: retrieve calls ≤ ${bound}`,
      pass: run.retrieves <= bound,
      detail: `${run.retrieves} calls`,
    },
    {
      name: `wait ${label}: completion seen within one interval`,
      pass: run.lateMs >= 0 && run.lateMs <= run.capMs,
      detail: `${run.lateMs} ms late`,
    },
    {
      name: `wait ${label}: the create before the wait makes exactly its 5 calls`,
      // The look-up, the in-flight marker's upload and the input's upload run side by side, so
      // their order varies; then the create, then the marker's delete.
      pass:
        JSON.stringify([...run.otherCalls.slice(0, 3)].sort()) ===
          JSON.stringify(["GET /v1/batches", "POST /v1/files", "POST /v1/files"]) &&
        run.otherCalls[3] === "POST /v1/batches" &&
        run.otherCalls[4] === "DELETE /v1/files/{id}" &&
        run.otherCalls.length === 5,
      detail: run.otherCalls.join(", "),
    },
  ];
}
