// `npm run mutation [-- <folder>...] [--full] [--concurrency <n>]`: mutation testing with Stryker,
// one folder at a time, each against the narrowest set of tests that covers it. Not part of CI:
// a full run of every folder takes hours on two cores (docs/testing.md, "Mutation score").
//
//   npm run mutation                      every folder, incrementally
//   npm run mutation -- validation diff   those folders
//   npm run mutation -- policy --full     every mutant again, ignoring what the last run found
//   npm run mutation -- --list            the folders, what each mutates and which tests it runs
//   npm run mutation -- cost --report     the folder's figure from its runs narrowed with --mutate
//
// Each folder keeps its report and its incremental file in reports/mutation/<folder>/ (ignored by
// git): a later run tests again only the mutants whose code or covering tests changed. The run
// ends with one line per folder (killed, survived, timeout, no coverage, score) and exits 1 when a
// folder scores under the threshold.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, matchesGlob, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { combineRuns, formatRow, tally } from "./mutation-report.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The score every folder must keep: killed and timed-out mutants over all that ran or had no test. */
const THRESHOLD = 85;

/** The compiled shard hashing thread, which the split's tests start (see `ignorePatterns`). */
const COMPILED_HASH_WORKER = "dist/provider/set/hash-worker.js";

/** The compiled counting thread and the modules it loads, which `tallyFile`'s tests start. */
const COMPILED_COUNTING = "dist/provider/cost";

/** The unit tests of a folder under test/unit, every file in it. */
function unitTests(folder) {
  const dir = join(root, "test", "unit", folder);
  return readdirSync(dir)
    .filter((name) => name.endsWith(".test.ts"))
    .map((name) => relative(root, join(dir, name)))
    .sort();
}

/**
 * What each folder mutates and the tests that run against it: the unit tables that prove its
 * promises, and for `results` (most of it reads and writes files and the API) the provider tests
 * against the emulator. Every test file loads the sources, never `dist/`, so it sees the mutants.
 */
const FOLDERS = {
  policy: {
    mutate: ["provider/policy/**/*.ts"],
    tests: ["test/unit/policy.test.ts", "test/unit/in-flight.test.ts", "test/unit/in-flight-marker.test.ts"],
  },
  validation: {
    mutate: ["provider/validation/**/*.ts"],
    tests: [
      "test/unit/argument-bounds.test.ts",
      "test/unit/arguments.test.ts",
      "test/unit/check.test.ts",
      "test/unit/endpoint-fields.test.ts",
      "test/unit/endpoint-rules.test.ts",
      "test/unit/file-system-errors.test.ts",
      "test/unit/format-report.test.ts",
      "test/unit/input-file.test.ts",
      "test/unit/json-syntax.test.ts",
      "test/unit/jsonl-scanner.test.ts",
      "test/unit/jsonl-text.test.ts",
      "test/unit/nesting-depth.test.ts",
      "test/unit/nesting-scan.test.ts",
      "test/unit/request-defaults.test.ts",
      "test/unit/request-line-defaults.test.ts",
      "test/unit/request-line-rules.test.ts",
      "test/unit/text-rules.test.ts",
      "test/unit/unknowns.test.ts",
      "test/unit/validate-batch-input.test.ts",
    ],
  },
  diff: {
    mutate: ["provider/runtime/diff.ts"],
    tests: ["test/unit/diff.test.ts", "test/unit/same-value.test.ts", "test/unit/cost/old-state.test.ts"],
  },
  results: {
    mutate: ["provider/results/**/*.ts"],
    tests: [
      "test/unit/arguments.test.ts",
      "test/unit/atomic-file.test.ts",
      "test/unit/results-join.test.ts",
      "test/unit/results-retry.test.ts",
      "test/unit/temp-files.test.ts",
      "test/provider/counted-summary.test.ts",
      "test/provider/read-batch-results.test.ts",
      "test/provider/read-results-resume.test.ts",
      "test/provider/results-hostile.test.ts",
      "test/provider/results-resource.test.ts",
    ],
  },
  set: {
    // The split and the chunker, and the pure files they use; the rest of set/ is wiring and I/O.
    mutate: [
      "provider/set/split.ts",
      "provider/set/chunker.ts",
      "provider/set/bounds.ts",
      "provider/set/custom-id.ts",
      "provider/set/line-hash.ts",
    ],
    tests: () => unitTests("set"),
  },
  cost: {
    // Not the counting thread's entry (count-worker.ts): it runs compiled only, in a worker thread,
    // where no mutant reaches it; what it runs is count-range.ts, which the tests load from source.
    // Nor index.ts: it only re-exports, so Stryker finds no mutant in it and no report names it.
    mutate: ["provider/cost/**/*.ts", "!provider/cost/count-worker.ts", "!provider/cost/index.ts"],
    // Not the API's own limit of 10,485,760 characters (string-limit-api.test.ts), nor the bpe
    // counting at full scale (bpe-scale.test.ts: words of 300,000 bytes and of 1 MiB, six million
    // letters): under Stryker's instrumented coverage run their strings take minutes.
    // string-limit.test.ts checks the same counting at a small limit, bpe.test.ts and
    // pre-tokenizer.test.ts the same merging and scanning at windows of 256 bytes and on short runs.
    tests: () => [
      ...unitTests("cost").filter(
        (file) => !file.endsWith("string-limit-api.test.ts") && !file.endsWith("bpe-scale.test.ts"),
      ),
      "test/unit/arguments.test.ts",
    ],
    // The merge's loops, mutated, often never end; its tests take seconds, not tens of them, so a
    // mutant that runs 10 s past three times their time is endless (docs/testing.md).
    timeoutMS: 10_000,
  },
};

function usage(message) {
  console.error(
    `${message}\nusage: npm run mutation [-- <folder>...] [--full] [--concurrency <n>] [--list] [--report] [--mutate <file>]... [--tests <file>]...`,
  );
  console.error(`folders: ${Object.keys(FOLDERS).join(", ")}`);
  process.exit(2);
}

function parseArguments(args) {
  const options = {
    folders: [],
    full: false,
    concurrency: 1,
    list: false,
    report: false,
    mutate: [],
    tests: [],
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--full") options.full = true;
    else if (arg === "--list") options.list = true;
    else if (arg === "--report") options.report = true;
    else if (arg === "--concurrency") {
      const value = Number(args[++i]);
      if (!Number.isInteger(value) || value < 1 || value > 2) {
        usage(`--concurrency is ${args[i]}; give 1 or 2 (the machine's other work needs the rest)`);
      }
      options.concurrency = value;
    } else if (arg === "--mutate" || arg === "--tests") {
      const value = args[++i];
      if (value === undefined || !existsSync(join(root, value))) {
        usage(`${arg} is followed by ${value ?? "nothing"}; give a file of the repository`);
      }
      (arg === "--mutate" ? options.mutate : options.tests).push(value);
    } else if (arg in FOLDERS) options.folders.push(arg);
    else usage(`${arg} is not a folder or an option`);
  }
  if (options.folders.length === 0) options.folders = Object.keys(FOLDERS);
  if ((options.mutate.length > 0 || options.tests.length > 0) && options.folders.length !== 1) {
    usage("--mutate and --tests narrow one folder: name exactly one");
  }
  const folder = options.folders[0];
  const outside = options.mutate.filter((file) => !isMatch(file, FOLDERS[folder].mutate));
  if (outside.length > 0)
    usage(`--mutate ${outside.join(" ")} is not in ${folder}'s ${FOLDERS[folder].mutate.join(" ")}`);
  return options;
}

/** Whether a file is one of those a folder's globs name (a glob starting with `!` takes files out). */
function isMatch(file, globs) {
  const taken = globs.filter((glob) => !glob.startsWith("!"));
  const left = globs.filter((glob) => glob.startsWith("!")).map((glob) => glob.slice(1));
  return taken.some((glob) => matchesGlob(file, glob)) && !left.some((glob) => matchesGlob(file, glob));
}

/** The files a folder mutates, relative to the repository. */
function filesOf(folder) {
  const found = [];
  const walk = (dir) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (isMatch(path, FOLDERS[folder].mutate)) found.push(path);
    }
  };
  walk("provider");
  return found.sort();
}

/** The files a run mutates: those named with `--mutate`, or the whole folder's. */
function filesMutatedBy(folder, options) {
  return options.mutate.length > 0 ? [...options.mutate].sort() : filesOf(folder);
}

function testsOf(folder) {
  const { tests } = FOLDERS[folder];
  return typeof tests === "function" ? tests() : tests;
}

/**
 * Where a run keeps its report and incremental file: the folder's own, or for a narrowed run one
 * per file mutated (an incremental file holds only the mutants of the run that wrote it, so a
 * narrowed run must not overwrite the whole folder's).
 */
function outputOf(folder, options) {
  if (options.mutate.length === 0) return `reports/mutation/${folder}`;
  const slug = options.mutate.map((file) => basename(file).replace(/\.ts$/, "")).join("+");
  return `reports/mutation/${folder}/only/${slug}`;
}

function mutatedBy(folder, options) {
  return options.mutate.length > 0 ? options.mutate : FOLDERS[folder].mutate;
}

function testedBy(folder, options) {
  return options.tests.length > 0 ? options.tests : testsOf(folder);
}

function strykerOptions(folder, options) {
  const out = outputOf(folder, options);
  return {
    testRunner: "vitest",
    vitest: { configFile: "vitest.mutation.config.mts" },
    testFiles: testedBy(folder, options),
    coverageAnalysis: "perTest",
    // Mutants that do not compile are set apart (not counted in the score) rather than run.
    checkers: ["typescript"],
    tsconfigFile: "tsconfig.json",
    typescriptChecker: { prioritizePerformanceOverAccuracy: true },
    mutate: mutatedBy(folder, options),
    concurrency: options.concurrency,
    // Generous (but where a folder says less): the machine is shared, and a slow mutant must not
    // pass for an endless one.
    timeoutMS: FOLDERS[folder].timeoutMS ?? 30_000,
    timeoutFactor: 3,
    dryRunTimeoutMinutes: 30,
    incremental: true,
    force: options.full,
    incrementalFile: `${out}/incremental.json`,
    reporters: ["clear-text", "progress", "html", "json"],
    htmlReporter: { fileName: `${out}/index.html` },
    jsonReporter: { fileName: `${out}/mutation.json` },
    clearTextReporter: { reportScoreTable: true, reportTests: false, reportMutants: true },
    thresholds: { high: 95, low: THRESHOLD, break: null },
    tempDirName: ".stryker-tmp",
    cleanTempDir: true,
    // The sandbox copies the sources and tests; the rest is not needed to run them. Of the build it
    // takes the shard hashing thread and the counting thread with its modules (not mutated, and a
    // thread runs compiled code only), so that the paths that start them run mutated; the tests
    // load every other module from source.
    ignorePatterns: [
      "/dist/**",
      `!/${COMPILED_HASH_WORKER}`,
      `!/${COMPILED_COUNTING}/**`,
      "reports",
      "bench/data",
      "examples",
      "sdk",
      "tools",
      ".emulator",
      ".pulumi-demo",
      ".pulumi-openai-batch",
      "coverage",
    ],
  };
}

/** The list of the files a run mutated, kept beside its report (`MUTATED`). */
const MUTATED = "mutated.json";

/**
 * Every run of a folder that left a report: the whole folder's and each narrowed one's, with the
 * time its report was written and the files it mutated. A run of files that hold no mutant leaves
 * only its list: Stryker writes no report when it finds nothing to mutate.
 */
function runsOf(folder) {
  const dir = join(root, "reports", "mutation", folder);
  const dirs = [dir];
  if (existsSync(join(dir, "only"))) {
    for (const name of readdirSync(join(dir, "only")).sort()) dirs.push(join(dir, "only", name));
  }
  return dirs
    .map((runDir) => ({ report: join(runDir, "mutation.json"), list: join(runDir, MUTATED) }))
    .filter(({ report, list }) => existsSync(report) || existsSync(list))
    .map(({ report, list }) => {
      const found = [report, list].filter((path) => existsSync(path));
      return {
        name: relative(root, dirname(report)),
        time: Math.max(...found.map((path) => statSync(path).mtimeMs)),
        files: existsSync(report) ? JSON.parse(readFileSync(report, "utf8")).files : {},
        mutated: existsSync(list) ? JSON.parse(readFileSync(list, "utf8")) : [],
      };
    });
}

/** `--report`: each folder's figure from the latest run of each of its files; 1 when under the threshold or incomplete. */
function report(folders) {
  let failed = false;
  for (const folder of folders) {
    const { files, missing, total, nonStatic } = combineRuns(runsOf(folder), filesOf(folder));
    console.log(`\n== mutation report: ${folder}, the latest run of each file`);
    console.log("| file | killed | timeout | survived | no coverage | score | run |");
    console.log("|---|---|---|---|---|---|---|");
    for (const { file, run, row } of files) console.log(`${formatRow(file, row)} ${run} |`);
    console.log(
      `${formatRow(`**${folder}**`, total)} ${files.length} of ${files.length + missing.length} files |`,
    );
    console.log(`Without the static mutants: ${nonStatic.score.toFixed(1)}%.`);
    if (missing.length > 0) console.log(`No result yet: ${missing.join(" ")}`);
    if (total.score < THRESHOLD || missing.length > 0) failed = true;
  }
  process.exit(failed ? 1 : 0);
}

const options = parseArguments(process.argv.slice(2));
if (options.list) {
  for (const folder of options.folders) {
    console.log(
      `${folder}\n  mutates: ${mutatedBy(folder, options).join(" ")}\n  tests:   ${testedBy(folder, options).join(" ")}`,
    );
  }
  process.exit(0);
}
if (options.report) report(options.folders);

process.chdir(root);
if (options.folders.includes("set") && !existsSync(COMPILED_HASH_WORKER)) {
  console.error(
    `${COMPILED_HASH_WORKER} is missing: run \`npm run build\` first (the split's tests start it).`,
  );
  process.exit(2);
}
const { Stryker } = await import("@stryker-mutator/core");
const rows = [];
for (const folder of options.folders) {
  console.log(`\n== mutation: ${folder}`);
  const results = await new Stryker(strykerOptions(folder, options)).runMutationTest();
  const out = join(root, outputOf(folder, options));
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, MUTATED), `${JSON.stringify(filesMutatedBy(folder, options), null, 2)}\n`);
  rows.push([folder, tally(results)]);
}

console.log("\n| folder | killed | survived | timeout | no coverage | compile errors | ignored | score |");
console.log("|---|---|---|---|---|---|---|---|");
for (const [folder, r] of rows) {
  console.log(
    `| ${folder} | ${r.killed} | ${r.survived} | ${r.timeout} | ${r.noCoverage} | ${r.compileError} | ${r.ignored} | ${r.score.toFixed(1)}% |`,
  );
}
const low = rows.filter(([, r]) => r.score < THRESHOLD).map(([folder]) => folder);
if (low.length > 0) {
  console.error(
    `\nUnder ${THRESHOLD}%: ${low.join(", ")}; see reports/mutation/<folder>/index.html for the survivors.`,
  );
  process.exit(1);
}
