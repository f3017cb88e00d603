import { execFileSync, spawn } from "node:child_process";
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { REPO_ROOT } from "../../test/support/repo";
import { MIB, median, ratio } from "../lib/stats";
import type { Assertion, Row, SectionOptions, SectionResult } from "../report/types";

const PLUGIN = "pulumi-resource-openai-batch";
/** Starts of each plugin, taken in turns; the figures are medians. */
const ROUNDS = { quick: 3, full: 15 };
/**
 * The executable may start at most this many times as slowly as the `bin/` wrapper on Node.js. It
 * started 0.3–0.55× the wrapper's time in the runs so far; the bound only catches a collapse (a
 * code cache rejected, a bundle that loads something huge).
 */
const START_RATIO_LIMIT = 1.5;

/**
 * Figure 7: the plugin archive (one executable, no Node.js, no node_modules) against the `bin/`
 * wrapper it replaces (the package's build, run by the machine's Node.js, with the package's
 * production dependencies): what each takes on disk, and how long each takes from spawn to the
 * gRPC port on its standard output, which is what the engine waits for before every operation.
 */
export async function runPluginSection(options: SectionOptions): Promise<Omit<SectionResult, "durationMs">> {
  const rows: Row[] = [];
  const assertions: Assertion[] = [];
  const built = performance.now();
  const archive = execFileSync(process.execPath, [join(REPO_ROOT, "scripts", "build-plugin-archive.mjs")], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  })
    .trim()
    .split("\n")
    .at(-1) as string;
  const buildMs = performance.now() - built;
  mkdirSync(options.dataDir, { recursive: true });
  const work = mkdtempSync(join(options.dataDir, "plugin-"));
  try {
    execFileSync("tar", ["-xzf", archive, "-C", work]);
    const executable = join(work, PLUGIN);
    const wrapperBytes = duSum([
      join(REPO_ROOT, "bin"),
      join(REPO_ROOT, "dist", "provider"),
      ...productionDependencies(),
    ]);
    const archiveBytes = statSync(archive).size;
    rows.push({
      name: "plugin archive (.tar.gz): size",
      value: round(archiveBytes / MIB),
      unit: "MiB",
      baseline: {
        name: "bin/ wrapper: dist/provider and production node_modules, Node.js not counted",
        value: round(wrapperBytes / MIB),
      },
      ratio: round(ratio(archiveBytes, wrapperBytes)),
    });
    rows.push({
      name: "plugin executable, installed: size",
      value: round(statSync(executable).size / MIB),
      unit: "MiB",
      baseline: {
        name: "the same wrapper files, and the node binary it runs on",
        value: round((wrapperBytes + statSync(process.execPath).size) / MIB),
      },
      ratio: round(ratio(statSync(executable).size, wrapperBytes + statSync(process.execPath).size)),
    });
    const seaStarts: number[] = [];
    const wrapperStarts: number[] = [];
    for (let round = 0; round < (options.quick ? ROUNDS.quick : ROUNDS.full); round++) {
      seaStarts.push(await startMs(executable, []));
      wrapperStarts.push(await startMs(process.execPath, [join(REPO_ROOT, "bin", PLUGIN)]));
    }
    const sea = median(seaStarts);
    const wrapper = median(wrapperStarts);
    const startRatio = ratio(sea, wrapper);
    rows.push({
      name: "plugin start: spawn to gRPC port",
      value: round(sea),
      unit: "ms",
      baseline: { name: "bin/ wrapper on this Node.js", value: round(wrapper) },
      ratio: round(startRatio),
      target: `≤ ${START_RATIO_LIMIT}× the wrapper`,
      met: startRatio !== null && startRatio <= START_RATIO_LIMIT,
    });
    rows.push({
      name: "plugin archive: build (bundle, blob, inject, gzip)",
      value: round(buildMs / 1000),
      unit: "s",
    });
    assertions.push({
      name: `the executable starts within ${START_RATIO_LIMIT}× the wrapper's time`,
      pass: startRatio !== null && startRatio <= START_RATIO_LIMIT,
      detail: `${round(sea)} ms against ${round(wrapper)} ms (${startRatio?.toFixed(2)}×)`,
    });
    return {
      id: "plugin",
      title: "9. Plugin archive against the bin/ wrapper",
      rows,
      assertions,
      notes: [
        `Archive: ${archive.split("/").at(-1)}. Starts: ${seaStarts.length} of each, taken in turns, with no Node.js options; the figure is the median. The executable carries V8's code cache of the bundle; the wrapper's Node.js compiles the package's modules as it loads them.`,
      ],
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Milliseconds from spawning a plugin to the port it prints (then it is stopped). */
function startMs(command: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, [...args, "127.0.0.1:1"], { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (/^\d+\s*$/m.test(out)) {
        const ms = performance.now() - started;
        child.kill();
        resolve(ms);
      }
    });
    child.once("exit", (code) =>
      reject(new RangeError(`${command} exited (${code}) before it printed a port`)),
    );
  });
}

/** The folders of the package's production dependencies, as npm lists them. */
function productionDependencies(): string[] {
  const listed = execFileSync("npm", ["ls", "--omit=dev", "--all", "--parseable"], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  return [...new Set(listed.split("\n").filter((dir) => dir.includes("node_modules")))];
}

/** The bytes of the regular files under the paths, each file counted once. */
function duSum(paths: readonly string[]): number {
  const seen = new Set<string>();
  let bytes = 0;
  const visit = (path: string): void => {
    if (seen.has(path)) return;
    seen.add(path);
    const stat = lstatSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) {
        // Nested dependencies are listed on their own.
        if (entry !== "node_modules") visit(join(path, entry));
      }
    } else if (stat.isFile()) {
      bytes += stat.size;
    }
  };
  for (const path of paths) visit(path);
  return bytes;
}

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 100) / 100;
}
