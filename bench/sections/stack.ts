import { findPulumiEngine } from "../lib/pulumi-engine";
import { median, ratio } from "../lib/stats";
import type { Assertion, Row, SectionOptions, SectionResult } from "../report/types";
import { REQUESTS_PER_BATCH, runStack, type StackRuns } from "./stack-runs";

const FULL_RESOURCES = 50;
/** Quick mode: a smaller stack, one round and no destroy, to stay within its budget. */
const QUICK_RESOURCES = 10;
const FULL_ROUNDS = 3;

/**
 * Figure 5: `pulumi preview` and `pulumi up` of a stack of `Batch` resources, run by the real
 * engine against the emulator, against the same creates made one after another through the
 * `openai` SDK. Skipped, with the reason, when the engine is not installed.
 */
export async function runStackSection(options: SectionOptions): Promise<Omit<SectionResult, "durationMs">> {
  const resources = options.quick ? QUICK_RESOURCES : FULL_RESOURCES;
  const title = `5. A stack of ${resources} Batch resources through the real Pulumi engine (Automation API)`;
  const engine = findPulumiEngine();
  if ("missing" in engine) {
    return { id: "stack", title, rows: [], assertions: [], notes: [], skipped: engine.missing };
  }
  const rounds = options.quick ? 1 : FULL_ROUNDS;
  const runs: StackRuns[] = [];
  for (let round = 0; round < rounds; round += 1)
    runs.push(await runStack(engine, resources, !options.quick));
  const notes = [
    `${resources} Batch resources (${REQUESTS_PER_BATCH} inline chat requests each, waitForCompletion off) in an inline Automation API program, run by the Pulumi CLI v${engine.version} with a file:// backend, against the emulator in a process of its own (manual clock). Each operation is timed whole (engine, language host and provider host start-ups included); median of ${rounds} round(s), each on a fresh stack, backend and emulator.`,
    `The baseline is the same ${resources} creates (upload + create) made one after another through the openai SDK. The engine runs the creates in parallel; each makes 5 calls (the look-up for a batch an earlier attempt made, the in-flight marker's upload, the input's upload, the create, and the marker's delete; docs/reliability.md).`,
  ];
  return {
    id: "stack",
    title,
    rows: stackRows(medianRuns(runs), resources),
    assertions: runs.flatMap((run, round) =>
      stackAssertions(run, resources, rounds > 1 ? ` (round ${round + 1})` : ""),
    ),
    notes,
  };
}

/** The rounds' median times; the calls of the first round (every round's are asserted). */
function medianRuns(runs: readonly StackRuns[]): StackRuns {
  const first = runs[0]!;
  const ms = (pick: (run: StackRuns) => { ms: number } | undefined) =>
    median(runs.map((run) => pick(run)?.ms ?? Number.NaN));
  return {
    preview: { ...first.preview, ms: ms((run) => run.preview) },
    up: { ...first.up, ms: ms((run) => run.up) },
    destroy: first.destroy === undefined ? undefined : { ...first.destroy, ms: ms((run) => run.destroy) },
    raw: { ...first.raw, ms: ms((run) => run.raw) },
  };
}

function stackRows(runs: StackRuns, resources: number): Row[] {
  const sdk = { name: `${resources} SDK creates in a row`, value: runs.raw.ms / resources };
  const rows: Row[] = [
    {
      name: "pulumi preview, per resource",
      value: runs.preview.ms / resources,
      unit: "ms",
      baseline: sdk,
      ratio: ratio(runs.preview.ms, runs.raw.ms),
    },
    {
      name: "pulumi up, per resource",
      value: runs.up.ms / resources,
      unit: "ms",
      baseline: sdk,
      ratio: ratio(runs.up.ms, runs.raw.ms),
    },
    { name: "pulumi preview, whole stack", value: runs.preview.ms / 1000, unit: "s" },
    { name: "pulumi up, whole stack", value: runs.up.ms / 1000, unit: "s" },
  ];
  if (runs.destroy !== undefined) {
    rows.push({ name: "pulumi destroy, whole stack (apart)", value: runs.destroy.ms / 1000, unit: "s" });
  }
  rows.push(
    {
      name: "pulumi preview: API calls",
      value: runs.preview.calls.length,
      unit: "",
      target: "0",
      met: runs.preview.calls.length === 0,
    },
    {
      name: "pulumi up: API calls per resource",
      value: runs.up.calls.length / resources,
      unit: "",
      baseline: { name: "SDK", value: runs.raw.calls.length / resources },
      ratio: ratio(runs.up.calls.length, runs.raw.calls.length),
    },
  );
  return rows;
}

function stackAssertions(runs: StackRuns, resources: number, round: string): Assertion[] {
  const { preview, up, destroy } = runs;
  const assertions: Assertion[] = [
    {
      name: `stack${round}: pulumi preview plans ${resources} creates and makes no API call`,
      pass: preview.calls.length === 0 && preview.creates === resources,
      detail: `${preview.creates} creates planned; ${preview.calls.length === 0 ? "no call" : preview.calls.slice(0, 5).join(", ")}`,
    },
    {
      name: `stack${round}: pulumi up creates ${resources} batches with exactly 5 calls each`,
      pass:
        up.creates === resources &&
        countOf(up.calls, "GET /v1/batches") === resources &&
        countOf(up.calls, "POST /v1/files") === 2 * resources &&
        countOf(up.calls, "POST /v1/batches") === resources &&
        countOf(up.calls, "DELETE /v1/files/{id}") === resources &&
        up.calls.length === 5 * resources,
      detail: `${up.creates} created; ${up.calls.length} calls (${countOf(up.calls, "GET /v1/batches")} look-ups, ${countOf(up.calls, "POST /v1/files")} uploads, ${countOf(up.calls, "POST /v1/batches")} creates, ${countOf(up.calls, "DELETE /v1/files/{id}")} marker deletes)`,
    },
  ];
  if (destroy !== undefined) {
    assertions.push({
      name: `stack${round}: pulumi destroy deletes ${resources} batches with exactly a cancel and a file delete each`,
      pass:
        destroy.deletes === resources &&
        countOf(destroy.calls, "POST /v1/batches/{id}/cancel") === resources &&
        countOf(destroy.calls, "DELETE /v1/files/{id}") === resources &&
        destroy.calls.length === 2 * resources,
      detail: `${destroy.deletes} deleted; ${destroy.calls.length} calls`,
    });
  }
  return assertions;
}

function countOf(calls: readonly string[], shape: string): number {
  return calls.filter((call) => call === shape).length;
}
