/**
 * `npm run mutation -- <folder> --report`: a folder's figure from runs narrowed to some of its
 * files, each file counted from the latest run that mutated it.
 */
import { beforeAll, describe, expect, test } from "vitest";

// The script's module is an ES module; this test file is CommonJS.
type Report = typeof import("../../scripts/mutation-report.mjs", { with: { "resolution-mode": "import" }});
type Run = Parameters<Report["combineRuns"]>[0][number];
let combineRuns: Report["combineRuns"];
let formatRow: Report["formatRow"];
let tally: Report["tally"];
beforeAll(async () => {
  ({ combineRuns, formatRow, tally } = await import("../../scripts/mutation-report.mjs"));
});

const mutants = (...statuses: string[]) => statuses.map((status) => ({ status }));

// Two runs of tally.ts (the second after new tests), one of estimate.ts, and a file since left out.
const RUNS: Run[] = [
  {
    name: "only/tally+request-tokens",
    time: 1000,
    files: {
      "provider/cost/tally.ts": { mutants: mutants("Killed", "Survived", "Survived", "NoCoverage") },
      "provider/cost/request-tokens.ts": { mutants: mutants("Killed", "Timeout", "Survived") },
    },
  },
  {
    name: "only/estimate",
    time: 3000,
    files: {
      "provider/cost/estimate.ts": { mutants: mutants("Killed", "Killed", "CompileError", "Ignored") },
      "provider/cost/count-worker.ts": { mutants: mutants("Survived", "Survived") },
    },
  },
  {
    name: "only/tally",
    time: 2000,
    files: { "provider/cost/tally.ts": { mutants: mutants("Killed", "Killed", "Killed", "Survived") } },
  },
];
const FOLDER = [
  "provider/cost/tally.ts",
  "provider/cost/estimate.ts",
  "provider/cost/request-tokens.ts",
  "provider/cost/tokenizer.ts",
];

describe("a folder's figure from narrowed runs", () => {
  test("takes each file from its latest run, whatever the order of the runs", () => {
    for (const runs of [RUNS, [...RUNS].reverse()]) {
      const { files } = combineRuns(runs, FOLDER);
      expect(files.map(({ file, run }) => [file, run])).toEqual([
        ["provider/cost/estimate.ts", "only/estimate"],
        ["provider/cost/request-tokens.ts", "only/tally+request-tokens"],
        ["provider/cost/tally.ts", "only/tally"],
      ]);
      expect(files[2]!.row).toMatchObject({ killed: 3, survived: 1, noCoverage: 0, score: 75 });
    }
  });

  test("adds up the files' latest mutants, leaving out files outside the folder", () => {
    // estimate 2 killed; request-tokens 1 killed, 1 timeout, 1 survived; tally 3 killed, 1 survived.
    expect(combineRuns(RUNS, FOLDER).total).toEqual({
      killed: 6,
      timeout: 1,
      survived: 2,
      noCoverage: 0,
      compileError: 1,
      runtimeError: 0,
      ignored: 1,
      score: (100 * 7) / 9,
    });
  });

  test("gives the figure without the static mutants too", () => {
    const runs: Run[] = [
      {
        name: "only/encodings",
        time: 1,
        files: {
          "provider/cost/tally.ts": {
            mutants: [
              { status: "Killed", static: false },
              { status: "Survived", static: true },
              { status: "Survived", static: true },
              { status: "Survived" },
            ],
          },
        },
      },
    ];
    const { total, nonStatic } = combineRuns(runs, FOLDER);
    expect([total.score, nonStatic.score]).toEqual([25, 50]);
  });

  test("names the folder's files that no run mutated", () => {
    expect(combineRuns(RUNS, FOLDER).missing).toEqual(["provider/cost/tokenizer.ts"]);
    expect(combineRuns([], FOLDER)).toMatchObject({ files: [], missing: [...FOLDER].sort() });
  });

  test("a file a run mutated that holds no mutant (absent from its report) counts as run, with none", () => {
    const runs: Run[] = [
      ...RUNS,
      {
        name: "only/tokenizer+estimate",
        time: 500,
        files: {},
        mutated: ["provider/cost/tokenizer.ts", "provider/cost/estimate.ts"],
      },
    ];
    const { files, missing, total } = combineRuns(runs, FOLDER);
    expect(missing).toEqual([]);
    expect(files.find(({ file }) => file.endsWith("tokenizer.ts"))).toEqual({
      file: "provider/cost/tokenizer.ts",
      run: "only/tokenizer+estimate",
      row: tally([]),
    });
    // A later run's mutants of a file still win over an earlier run that found none.
    expect(files.find(({ file }) => file.endsWith("estimate.ts"))?.run).toBe("only/estimate");
    expect(total).toEqual(combineRuns(RUNS, FOLDER).total);
  });

  test("of two runs at the same time, the later in the list wins", () => {
    const same = [RUNS[0]!, { ...RUNS[2]!, time: 1000 }];
    expect(combineRuns(same, FOLDER).files.find(({ file }) => file.endsWith("tally.ts"))?.run).toBe(
      "only/tally",
    );
    expect(
      combineRuns([same[1]!, same[0]!], FOLDER).files.find(({ file }) => file.endsWith("tally.ts"))?.run,
    ).toBe("only/tally+request-tokens");
  });
});

describe("a row of the score table", () => {
  test("scores killed and timed-out mutants over those that ran or had no test", () => {
    expect(
      tally(mutants("Killed", "Timeout", "Survived", "NoCoverage", "CompileError", "RuntimeError")),
    ).toEqual({
      killed: 1,
      timeout: 1,
      survived: 1,
      noCoverage: 1,
      compileError: 1,
      runtimeError: 1,
      ignored: 0,
      score: 50,
    });
    expect(tally([]).score).toBe(100);
  });

  test("reads killed, timeout, survived, no coverage and the score to one decimal", () => {
    expect(formatRow("cost", tally(mutants("Killed", "Killed", "Survived")))).toBe(
      "| cost | 2 | 0 | 1 | 0 | 66.7% |",
    );
  });
});
