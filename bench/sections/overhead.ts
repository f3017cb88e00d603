import { median, ratio } from "../lib/stats";
import type { Assertion, Row, SectionOptions, SectionResult } from "../report/types";
import {
  collectOverheadSamples,
  OPERATIONS,
  type Operation,
  type OperationSample,
  type OverheadSamples,
} from "./overhead-runs";

const TARGET_RATIO = 1.15;
/**
 * The regression bound that fails the run. A ratio of medians a few milliseconds long swings with
 * the load of a shared machine, so the bound is on the absolute overhead instead: generous enough
 * for any scheduling noise, small enough to catch a stray sleep, time-out or retry.
 */
const MAX_OVERHEAD_MS = 100;
/** Full mode also runs with this much latency on every API call, as a distant API has. */
const LATENCY_MS = 20;

/** The HTTP calls each operation must make, exactly. */
const EXPECTED_HOST_CALLS: Record<Operation, string[]> = {
  create: [
    "GET /v1/batches",
    "POST /v1/files",
    "POST /v1/files",
    "POST /v1/batches",
    "DELETE /v1/files/{id}",
  ],
  read: ["GET /v1/batches/{id}"],
  // The list finds this resource's leftover uploads (named after its create token), so none is orphaned.
  delete: ["POST /v1/batches/{id}/cancel", "DELETE /v1/files/{id}", "GET /v1/files"],
};
const EXPECTED_RAW_CALLS: Record<Operation, string[]> = {
  create: ["POST /v1/files", "POST /v1/batches"],
  read: ["GET /v1/batches/{id}"],
  delete: ["POST /v1/batches/{id}/cancel", "DELETE /v1/files/{id}"],
};
/** The call counts the project targets (delete: at most). */
const TARGET_CALLS: Record<Operation, number> = { create: 2, read: 1, delete: 2 };

/**
 * Figure 3: what going through Pulumi's dynamic-provider host costs per operation, against the same
 * calls made straight with the `openai` SDK, and how many HTTP calls each makes.
 */
export async function runOverheadSection(
  options: SectionOptions,
): Promise<Omit<SectionResult, "durationMs">> {
  const iterations = options.quick ? 10 : 60;
  const warmup = options.quick ? 2 : 3;
  const local = await collectOverheadSamples(iterations, warmup, 0);
  const rows = timeRows(local, "");
  const assertions = [...timeAssertions(local, ""), ...callAssertions(local, "")];
  rows.push(...callRows(local));
  rows.push(
    { name: "host start-up (spawn to gRPC port), apart", value: local.hostStartMs, unit: "ms" },
    { name: "configure, apart", value: local.configureMs, unit: "ms" },
    { name: "first create (loads the package and SDK), apart", value: local.coldCreateMs, unit: "ms" },
    {
      name: "check through the host (median, no API call)",
      value: median(local.check.map((s) => s.ms)),
      unit: "ms",
    },
  );
  const notes = [
    `Median of ${iterations} iterations after ${warmup} warm-up(s); the emulator (manual clock, so batches stay live) runs in its own process and is reset before each iteration; host and SDK alternate which goes first.`,
    "create makes 5 calls, not 2: beside the upload, it lists the recent batches (GET /v1/batches) to find one that an earlier, interrupted create of the same resource already made (its create token is in the batch metadata), and it uploads a small in-flight marker, which it deletes as it returns, so that a create that never returned (a killed `pulumi up`) is told from a deliberate re-run. The look-up and the marker go at the same time as the upload; the marker's delete adds a round trip.",
  ];
  if (!options.quick) {
    const distant = await collectOverheadSamples(Math.ceil(iterations / 2), warmup, LATENCY_MS);
    const suffix = `, API latency ${LATENCY_MS} ms`;
    rows.splice(OPERATIONS.length + 1, 0, ...timeRows(distant, suffix));
    assertions.push(...timeAssertions(distant, suffix), ...callAssertions(distant, suffix));
    notes.push(
      `The rows marked "API latency ${LATENCY_MS} ms" repeat the measurement (${Math.ceil(iterations / 2)} iterations) with the emulator waiting ${LATENCY_MS} ms before each answer, as a distant API would: the host's cost per gRPC call stays the same few milliseconds while each extra API call costs a full round trip.`,
    );
  }
  return {
    id: "overhead",
    title: "3. Provider overhead through the real dynamic-provider host (gRPC)",
    rows,
    assertions,
    notes,
  };
}

function timeRows(samples: OverheadSamples, suffix: string): Row[] {
  const rows: Row[] = [];
  let hostTotal = 0;
  let rawTotal = 0;
  for (const op of OPERATIONS) {
    const hostMs = median(samples.host[op].map((s) => s.ms));
    const rawMs = median(samples.raw[op].map((s) => s.ms));
    hostTotal += hostMs;
    rawTotal += rawMs;
    rows.push(ratioRow(`${op} through the host (median${suffix})`, hostMs, rawMs));
  }
  rows.push(ratioRow(`create + read + delete through the host${suffix}`, hostTotal, rawTotal));
  return rows;
}

function ratioRow(name: string, hostMs: number, rawMs: number): Row {
  const value = ratio(hostMs, rawMs);
  return {
    name,
    value: hostMs,
    unit: "ms",
    baseline: { name: "SDK", value: rawMs },
    ratio: value,
    target: `≤ ${TARGET_RATIO}×`,
    met: value !== null && value <= TARGET_RATIO,
  };
}

function callRows(samples: OverheadSamples): Row[] {
  return OPERATIONS.map((op) => {
    const hostCalls = median(samples.host[op].map((s) => s.calls.length));
    const rawCalls = median(samples.raw[op].map((s) => s.calls.length));
    const target = TARGET_CALLS[op];
    return {
      name: `${op}: HTTP calls (${EXPECTED_HOST_CALLS[op].join(", ")})`,
      value: hostCalls,
      unit: "",
      baseline: { name: "SDK", value: rawCalls },
      ratio: ratio(hostCalls, rawCalls),
      target: op === "delete" ? `≤ ${target}` : `${target}`,
      met: op === "delete" ? hostCalls <= target : hostCalls === target,
    };
  });
}

function timeAssertions(samples: OverheadSamples, suffix: string): Assertion[] {
  return OPERATIONS.map((op) => {
    const hostMs = median(samples.host[op].map((s) => s.ms));
    const rawMs = median(samples.raw[op].map((s) => s.ms));
    return {
      name: `overhead ${op}${suffix}: host median ≤ SDK median + ${MAX_OVERHEAD_MS} ms`,
      pass: hostMs - rawMs <= MAX_OVERHEAD_MS,
      detail: `${hostMs.toFixed(2)} vs ${rawMs.toFixed(2)} ms`,
    };
  });
}

function callAssertions(samples: OverheadSamples, suffix: string): Assertion[] {
  return [
    ...OPERATIONS.flatMap((op) => [
      exactCalls(`overhead ${op} through the host${suffix}`, samples.host[op], EXPECTED_HOST_CALLS[op]),
      exactCalls(`overhead ${op} through the SDK${suffix}`, samples.raw[op], EXPECTED_RAW_CALLS[op]),
    ]),
    exactCalls(`overhead check through the host${suffix}`, samples.check, []),
  ];
}

function exactCalls(
  name: string,
  samples: readonly OperationSample[],
  expected: readonly string[],
): Assertion {
  // Calls made side by side (the create's look-up and upload) arrive in either order.
  const sorted = (calls: readonly string[]) => JSON.stringify([...calls].sort());
  const wrong = samples.find((s) => sorted(s.calls) !== sorted(expected));
  return {
    name: `${name}: exactly ${expected.length} call(s) every time`,
    pass: wrong === undefined && samples.length > 0,
    detail: wrong === undefined ? expected.join(", ") || "no call" : `got ${JSON.stringify(wrong.calls)}`,
  };
}
