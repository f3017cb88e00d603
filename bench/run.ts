/**
 * `npm run bench`: the benchmarks of bench/README.md. Runs each section in a process of its own,
 * prints one table, writes the results (bench/results.json for a full run) and exits 1 when an
 * assertion failed. `npm run bench -- --quick` is the small, fast variant for CI.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { REPO_ROOT } from "../test/support/repo";
import { parseBenchArgs, USAGE } from "./cli-args";
import { runInChild } from "./lib/child";
import { describeMachine } from "./lib/machine";
import { markdownTable, textTable } from "./report/table";
import type { BenchResults, SectionId, SectionOptions, SectionResult } from "./report/types";

const BENCH_DIR = join(REPO_ROOT, "bench");

async function main(): Promise<number> {
  const args = parseBenchArgs(process.argv.slice(2));
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const startedAt = new Date();
  const started = performance.now();
  const machine = describeMachine();
  const loadAtStart = loadavg();
  const mode = args.quick ? "quick" : "full";
  console.error(
    `bench (${mode}): ${machine.cores} cores, ${machine.cpuModel}, Node ${machine.node}, ${startedAt.toISOString()}`,
  );
  const options: SectionOptions = {
    quick: args.quick,
    dataDir: join(BENCH_DIR, "data"),
    keepData: args.keepData,
  };
  const sections: SectionResult[] = [];
  for (const id of args.only) {
    console.error(`bench: running ${id}...`);
    const section = await runSection(id, options);
    console.error(`bench: ${id} done in ${(section.durationMs / 1000).toFixed(1)} s`);
    sections.push(section);
  }
  const results: BenchResults = {
    schemaVersion: 1,
    mode,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    machine,
    loadAverage: { start: loadAtStart.map(round2), end: loadavg().map(round2) },
    sections,
    passed: sections.every((section) => section.assertions.every((assertion) => assertion.pass)),
  };
  console.log(
    `\nbench (${mode}) on ${machine.cores} cores, ${machine.cpuModel}, Node ${machine.node}, ${results.startedAt}; load average ${results.loadAverage.start[0]} at start, ${results.loadAverage.end[0]} at end`,
  );
  console.log(textTable(results));
  if (args.markdown) console.log(`\n${markdownTable(results)}`);
  const out = resolve(
    args.out ??
      (args.quick ? join(BENCH_DIR, "data", "results.quick.json") : join(BENCH_DIR, "results.json")),
  );
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(
    `\nResults written to ${out.startsWith(REPO_ROOT) ? out.slice(REPO_ROOT.length + 1) : out}; total ${(results.durationMs / 1000).toFixed(1)} s.`,
  );
  return results.passed ? 0 : 1;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Runs a section in its own process; a section that crashes becomes a failed assertion. */
async function runSection(id: SectionId, options: SectionOptions): Promise<SectionResult> {
  const started = performance.now();
  try {
    return await runInChild<SectionResult>(
      require.resolve("./section-child"),
      [id, JSON.stringify(options)],
      // A full run of the set's section drives 200 resources through the engine several times.
      { timeoutMs: options.quick ? 120_000 : id === "set" ? 1_800_000 : 900_000 },
    );
  } catch (error) {
    return {
      id,
      title: `${id} (crashed)`,
      rows: [],
      assertions: [
        { name: `${id}: the section runs to the end`, pass: false, detail: (error as Error).message },
      ],
      notes: [],
      durationMs: performance.now() - started,
    };
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof RangeError ? error.message : error);
    process.exitCode = 2;
  },
);
