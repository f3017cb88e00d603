import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EmulatorProcess } from "../lib/emulator-process";
import { findPulumiEngine } from "../lib/pulumi-engine";
import { median, ratio } from "../lib/stats";
import type { Assertion, Row, SectionOptions, SectionResult } from "../report/types";
import { installPackage } from "./installed-package";
import { runStackOperations, type StackKind, type StackOperations } from "./set-scale-runs";
import { requestsForChildren } from "./set-scale-shards";
import { batchPart, batchSetPart, batchStatuses } from "./set-scale-state";

/** Full mode: 200 children; quick mode: 20, in CI. */
const FULL = { children: 200, rounds: 3 };
const QUICK = { children: 20, rounds: 1 };
/** Small shards through the set's own bound: 2 to 20 requests each, about 7 on average. */
const MAX_REQUESTS_PER_BATCH = 20;
/** The target of each of preview, up and refresh: the set within 1.2× the plain batches. */
const TIME_TARGET = 1.2;
/**
 * The assertions on the time ratios only catch a collapse (see bench/README.md): each operation
 * within 2× in full mode; in quick mode the three together within 3×, since each 20-child
 * operation is a few seconds of mostly start-ups that move with the load of a shared machine.
 */
const TIME_RATIO_LIMIT = { full: 2, quick: 3 };
/**
 * The target of the state, asserted: at most 6 KiB per child, in the state of the package as
 * users install it (its serialized provider is then a `require` of the package; see
 * bench/README.md).
 */
const STATE_BYTES_PER_CHILD = 6 * 1024;
/**
 * The second assertion on the state: what the set adds per child to a plain Batch's state (the
 * component and its list of batch ids, the children's longer URNs and registration stack traces).
 */
const STATE_OVERHEAD_PER_CHILD = 1024;
/** Batches run 10 times faster than real time: about 70 ms from create to completed. */
const TIME_SCALE = 10;

const OPERATIONS = ["preview", "up", "refresh"] as const;
const ORDER: readonly StackKind[] = ["set", "plain", "floor"];
type Operation = (typeof OPERATIONS)[number];

/**
 * Figure 11: `pulumi preview`, `pulumi up` and `pulumi refresh` of a BatchSet of many children,
 * through the real engine, against the same shards as plain `Batch` resources and a floor of
 * no-op dynamic resources, all in the same run; and the state each child adds.
 */
export async function runSetScaleSection(
  options: SectionOptions,
): Promise<Omit<SectionResult, "durationMs">> {
  const size = options.quick ? QUICK : FULL;
  const title = `11. A BatchSet of ${size.children} children through the real Pulumi engine`;
  const engine = findPulumiEngine();
  if ("missing" in engine) {
    return { id: "set", title, rows: [], assertions: [], notes: [], skipped: engine.missing };
  }
  const work = mkdtempSync(join(tmpdir(), "bench-set-scale-"));
  const runs: Record<StackKind, StackOperations[]> = { set: [], plain: [], floor: [] };
  let requests = 0;
  try {
    const planned = requestsForChildren(size.children, MAX_REQUESTS_PER_BATCH, join(work, "plain-shards"));
    requests = planned.requests;
    const programs = {
      installed: installPackage(work),
      set: {
        requests,
        maxRequestsPerBatch: MAX_REQUESTS_PER_BATCH,
        cacheDir: () => join(work, `set-shards-${runs.set.length}`),
      },
      plain: { shardFiles: planned.shards.map((shard) => shard.file) },
      floor: { resources: size.children },
    };
    for (let round = 0; round < size.rounds; round += 1) {
      const emulator = await EmulatorProcess.start({
        apiKey: `sk-bench-${randomBytes(8).toString("hex")}`,
        manualClock: false,
        timeScale: TIME_SCALE,
      });
      try {
        if (round === 0) {
          // An unmeasured preview of one no-op resource first, so that the first measured stack
          // does not alone pay for the engine's, the language host's and the provider host's
          // first start (files not yet in the page cache).
          await runStackOperations(engine, emulator, "floor", { ...programs, floor: { resources: 1 } }, true);
        }
        // The order turns each round, so that each stack runs first, second and last once in
        // three rounds and a drift of the machine's load favours none.
        // Quick mode leaves the floor out: it asserts nothing and would cost a stack.
        const kinds = ORDER.map((_, index) => ORDER[(index + round) % ORDER.length]!).filter(
          (kind) => kind !== "floor" || !options.quick,
        );
        for (const kind of kinds) {
          // The floor is only previewed: its one figure is the preview's.
          const previewOnly = kind === "floor";
          runs[kind].push(await runStackOperations(engine, emulator, kind, programs, previewOnly));
          await emulator.reset();
        }
      } finally {
        await emulator.stop();
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const children = size.children;
  const limit = options.quick ? TIME_RATIO_LIMIT.quick : TIME_RATIO_LIMIT.full;
  const rows: Row[] = [];
  const assertions: Assertion[] = [];
  const ms = (kind: StackKind, op: Operation) => median(runs[kind].map((run) => run[op]?.ms ?? Number.NaN));
  for (const op of OPERATIONS) {
    const set = ms("set", op);
    const plain = ms("plain", op);
    const setRatio = ratio(set, plain);
    rows.push({
      name: `pulumi ${op} of the BatchSet, per child`,
      value: set / children,
      unit: "ms",
      baseline: { name: `${children} plain Batch resources, per resource`, value: plain / children },
      ratio: setRatio,
      target: `≤ ${TIME_TARGET}×`,
      met: setRatio !== null && setRatio <= TIME_TARGET,
    });
    if (!options.quick) {
      assertions.push({
        name: `pulumi ${op} of the BatchSet takes at most ${limit}× the plain batches' (a collapse)`,
        pass: setRatio !== null && setRatio <= limit,
        detail: `${setRatio?.toFixed(2) ?? "n/a"}× (${(set / 1000).toFixed(2)} s against ${(plain / 1000).toFixed(2)} s)`,
      });
    }
  }
  if (options.quick) {
    // One ratio of the three operations together: each alone is a few seconds, mostly start-ups.
    const set = OPERATIONS.reduce((sum, op) => sum + ms("set", op), 0);
    const plain = OPERATIONS.reduce((sum, op) => sum + ms("plain", op), 0);
    const total = ratio(set, plain);
    assertions.push({
      name: `pulumi preview, up and refresh of the BatchSet take at most ${limit}× the plain batches' together (a collapse)`,
      pass: total !== null && total <= limit,
      detail: `${total?.toFixed(2) ?? "n/a"}× (${(set / 1000).toFixed(2)} s against ${(plain / 1000).toFixed(2)} s)`,
    });
  }
  const floorPreview = ms("floor", "preview");
  if (!options.quick) {
    rows.push({
      name: "pulumi preview of the BatchSet, per child, against the engine's floor",
      value: ms("set", "preview") / children,
      unit: "ms",
      baseline: { name: `${children} no-op dynamic resources, per resource`, value: floorPreview / children },
      ratio: ratio(ms("set", "preview"), floorPreview),
    });
    rows.push({
      name: "pulumi preview of the plain batches, per resource, against the engine's floor",
      value: ms("plain", "preview") / children,
      unit: "ms",
      baseline: { name: "no-op dynamic resources", value: floorPreview / children },
      ratio: ratio(ms("plain", "preview"), floorPreview),
    });
  }
  const programMs = (kind: StackKind) => median(runs[kind].map((run) => run.previewProgramMs));
  rows.push({
    name: "at preview, the program declaring the BatchSet (split, shard files, children), per child",
    value: programMs("set") / children,
    unit: "ms",
    baseline: { name: "declaring the plain batches, per resource", value: programMs("plain") / children },
    ratio: ratio(programMs("set"), programMs("plain")),
  });
  for (const op of OPERATIONS) {
    rows.push({ name: `pulumi ${op} of the BatchSet, whole`, value: ms("set", op) / 1000, unit: "s" });
  }
  const setState = batchSetPart(runs.set[0]!.state);
  const plainState = batchPart(runs.plain[0]!.state);
  const perChild = setState.bytes / children;
  const perPlain = plainState.bytes / Math.max(1, plainState.resources);
  rows.push({
    name: "state per child of the BatchSet (its part of the export / children)",
    value: perChild,
    unit: "bytes",
    baseline: { name: "state per plain Batch", value: perPlain },
    ratio: ratio(perChild, perPlain),
    target: `≤ ${STATE_BYTES_PER_CHILD.toLocaleString("en-US")} bytes (6 KiB)`,
    met: perChild <= STATE_BYTES_PER_CHILD,
  });
  rows.push({ name: "requests in the set", value: requests, unit: "" });
  assertions.push({
    name: `the BatchSet's state takes at most ${STATE_BYTES_PER_CHILD.toLocaleString("en-US")} bytes per child`,
    pass: setState.resources === children + 1 && perChild <= STATE_BYTES_PER_CHILD,
    detail: `${perChild.toFixed(0)} bytes per child: ${setState.bytes.toLocaleString("en-US")} bytes in ${setState.resources} resources for ${children} children`,
  });
  assertions.push({
    name: `the BatchSet adds at most ${STATE_OVERHEAD_PER_CHILD.toLocaleString("en-US")} bytes of state per child to a plain Batch's`,
    pass: setState.resources === children + 1 && perChild - perPlain <= STATE_OVERHEAD_PER_CHILD,
    detail: `${(perChild - perPlain).toFixed(0)} bytes more per child: ${setState.bytes.toLocaleString("en-US")} bytes in ${setState.resources} resources for ${children} children, against ${perPlain.toFixed(0)} bytes per plain Batch`,
  });
  runs.set.forEach((run, round) => {
    assertions.push(...apiAssertions("set", run, children, round, size.rounds));
  });
  runs.plain.forEach((run, round) => {
    assertions.push(...apiAssertions("plain", run, children, round, size.rounds));
  });
  runs.floor.forEach((run, round) => {
    const at = size.rounds > 1 ? ` (round ${round + 1})` : "";
    assertions.push({
      name: `floor${at}: preview plans ${children} no-op resources`,
      pass: run.preview.steps === children,
      detail: `${run.preview.steps} planned`,
    });
  });
  const notes = [
    `${requests.toLocaleString("en-US")} short chat requests (inline) in one BatchSet with maxRequestsPerBatch ${MAX_REQUESTS_PER_BATCH}: the fewest requests whose content-defined split gives ${children} shards, found by the set's own planner before the clock starts. waitForCompletion off. The baseline is one plain Batch per shard file of the same split, with the file as its inputFile (what each child of the set is given), so it does everything but the split, the component and the set's outputs. ${options.quick ? "Quick mode leaves out the floor" : `The floor is the preview of ${children} no-op dynamic resources (a create that returns an id, nothing else)`}.`,
    `Each stack is fresh; its pulumi preview, up and refresh are timed whole (engine, language host and provider host start-ups included) by the Pulumi CLI v${engine.version} with a file:// backend, against the emulator in a process of its own (time scale ${TIME_SCALE}: a batch completes about 70 ms after its create, so refresh records every batch completed). Median of ${size.rounds} round(s); the order of the three stacks turns each round.`,
    `State: the stack exported after the refresh; each resource's compact JSON in UTF-8 bytes. Both programs take Batch and BatchSet from the package packed (npm pack) and installed under a node_modules folder, as users get it. The set's part is the BatchSet and all its descendants, divided by its children; the plain figure is the Batch resources divided by their number.`,
  ];
  notes.push(
    `Rounds, whole seconds: ${OPERATIONS.map(
      (op) =>
        `${op}: set ${runs.set.map((run) => seconds(run[op]?.ms)).join(", ")}; plain ${runs.plain.map((run) => seconds(run[op]?.ms)).join(", ")}`,
    ).join(
      "; ",
    )}${runs.floor.length === 0 ? "" : `; floor preview ${runs.floor.map((run) => seconds(run.preview.ms)).join(", ")}`}.`,
  );
  return { id: "set", title, rows, assertions, notes };
}

/** The calls each operation of a stack of batches makes: none at preview, 4 per create and its look-up pages, 1 per refresh. */
function apiAssertions(
  kind: "set" | "plain",
  run: StackOperations,
  children: number,
  round: number,
  rounds: number,
): Assertion[] {
  const label = `${kind === "set" ? "BatchSet" : "plain batches"}${rounds > 1 ? ` (round ${round + 1})` : ""}`;
  const count = (calls: readonly string[], shape: string) => calls.filter((call) => call === shape).length;
  const statuses = batchStatuses(run.state);
  // Stacks of batches always run all three operations; a missing one fails its assertion.
  const up = run.up ?? { ms: Number.NaN, steps: 0, calls: [] };
  const refresh = run.refresh ?? { ms: Number.NaN, steps: 0, calls: [] };
  return [
    {
      name: `${label}: pulumi preview plans ${children} batches and makes no API call`,
      pass: run.preview.steps === children && run.preview.calls.length === 0,
      detail: `${run.preview.steps} creates planned; ${run.preview.calls.length} calls`,
    },
    {
      name: `${label}: pulumi up creates ${children} batches with exactly 4 calls each and their look-ups`,
      pass:
        up.steps === children &&
        between(count(up.calls, "GET /v1/batches"), children, lookupPagesAtMost(children)) &&
        count(up.calls, "POST /v1/files") === 2 * children &&
        count(up.calls, "POST /v1/batches") === children &&
        count(up.calls, "DELETE /v1/files/{id}") === children &&
        up.calls.length === 4 * children + count(up.calls, "GET /v1/batches"),
      detail: `${up.steps} created; ${up.calls.length} calls (${count(up.calls, "GET /v1/batches")} look-up pages, at most ${lookupPagesAtMost(children)}; ${count(up.calls, "POST /v1/files")} uploads; ${count(up.calls, "POST /v1/batches")} creates; ${count(up.calls, "DELETE /v1/files/{id}")} marker deletes)`,
    },
    {
      name: `${label}: pulumi refresh reads each of the ${children} batches once and records them completed`,
      pass:
        refresh.steps === children &&
        count(refresh.calls, "GET /v1/batches/{id}") === children &&
        refresh.calls.length === children &&
        statuses.completed === children,
      detail: `${refresh.steps} refreshed; ${refresh.calls.length} calls; statuses ${JSON.stringify(statuses)}`,
    },
  ];
}

/**
 * The most pages of 100 that the creates' look-ups for an earlier attempt's batch read: the i-th
 * create (from 0) finds at most i batches of this stack, in max(1, ceil(i / 100)) pages. The
 * emulator is reset before each stack, so no other batch is listed.
 */
export function lookupPagesAtMost(creates: number): number {
  let pages = 0;
  for (let index = 0; index < creates; index += 1) pages += Math.max(1, Math.ceil(index / 100));
  return pages;
}

function between(value: number, least: number, most: number): boolean {
  return value >= least && value <= most;
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? "n/a" : (ms / 1000).toFixed(1);
}
