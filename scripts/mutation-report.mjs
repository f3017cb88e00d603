// The counting behind `npm run mutation`: one run's mutants as a row of the score table, and the
// figure of a whole folder from the runs narrowed to some of its files (`--report`). Pure: the
// caller reads the reports; test/unit/mutation-report.test.ts holds its cases.

/** Killed, survived, ... of some mutants, and the score as Stryker counts it. */
export function tally(mutants) {
  const count = (status) => mutants.filter((mutant) => mutant.status === status).length;
  const row = {
    killed: count("Killed"),
    survived: count("Survived"),
    timeout: count("Timeout"),
    noCoverage: count("NoCoverage"),
    compileError: count("CompileError"),
    runtimeError: count("RuntimeError"),
    ignored: count("Ignored"),
  };
  const detected = row.killed + row.timeout;
  const valid = detected + row.survived + row.noCoverage;
  row.score = valid === 0 ? 100 : (100 * detected) / valid;
  return row;
}

/**
 * The figure of a folder from several runs, each of which mutated some of its files. A file's
 * mutants are those of the latest run that mutated it (by `time`; of two runs at the same time, the
 * later in the list); files outside the folder are left out, and the folder's files that no run
 * mutated are named in `missing`. `nonStatic` is the figure of the mutants that are not static.
 *
 * A file a run mutated in which Stryker found no mutant (types, re-exports) is absent from its
 * mutation.json: the run's `mutated` list (the files it was told to mutate) counts it as run, with
 * no mutants.
 *
 * @param runs `[{ name, time, files, mutated? }]`, `files` as in Stryker's mutation.json
 *   (`{ [path]: { mutants } }`), `mutated` the paths the run mutated
 * @param folderFiles the files the folder mutates, relative to the repository like the reports' paths
 */
export function combineRuns(runs, folderFiles) {
  const latest = new Map();
  for (const run of runs) {
    const mutantFree = Object.fromEntries(
      (run.mutated ?? []).filter((file) => !(file in run.files)).map((file) => [file, { mutants: [] }]),
    );
    for (const [file, result] of Object.entries({ ...mutantFree, ...run.files })) {
      const held = latest.get(file);
      if (held === undefined || run.time >= held.time) {
        latest.set(file, { run: run.name, time: run.time, mutants: result.mutants });
      }
    }
  }
  const files = [];
  const missing = [];
  for (const file of [...folderFiles].sort()) {
    const result = latest.get(file);
    if (result === undefined) missing.push(file);
    else files.push({ file, run: result.run, row: tally(result.mutants) });
  }
  const mutants = files.flatMap(({ file }) => latest.get(file).mutants);
  // A static mutant (in a module-level constant) is reported survived even when a test catches it
  // (docs/testing.md, "Static mutants are under-counted"), so the figure is also given without them.
  const nonStatic = tally(mutants.filter((mutant) => mutant.static !== true));
  return { files, missing, total: tally(mutants), nonStatic };
}

/** A row of the score table: killed, timeout, survived, no coverage and the score, one decimal. */
export function formatRow(name, row) {
  return `| ${name} | ${row.killed} | ${row.timeout} | ${row.survived} | ${row.noCoverage} | ${row.score.toFixed(1)}% |`;
}
