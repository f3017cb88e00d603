/**
 * Prints saved results as Markdown tables (the form bench/README.md shows them in), without
 * running anything. Usage: node dist/bench/render.js [results file, default bench/results.json]
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { REPO_ROOT } from "../test/support/repo";
import { markdownTable } from "./report/table";
import type { BenchResults } from "./report/types";

const file = resolve(process.argv[2] ?? join(REPO_ROOT, "bench", "results.json"));
const results = JSON.parse(readFileSync(file, "utf8")) as BenchResults;
const { machine } = results;
console.log(
  `${results.mode} run of ${results.startedAt.slice(0, 10)}: ${machine.cores} cores, ${machine.cpuModel}, Node ${machine.node}, ${machine.platform}/${machine.arch}, ${machine.totalMemoryMiB.toLocaleString("en-US")} MiB RAM, ${machine.jq ?? "no jq"}; load average ${results.loadAverage.start[0]} at start, ${results.loadAverage.end[0]} at end; ${(results.durationMs / 1000).toFixed(0)} s in all.`,
);
console.log(markdownTable(results));
