/** The status Stryker gives a mutant in its mutation.json. */
export interface Mutant {
  status: string;
  /** True for a mutant in code that runs when its module loads. */
  static?: boolean;
}

export interface Row {
  killed: number;
  survived: number;
  timeout: number;
  noCoverage: number;
  compileError: number;
  runtimeError: number;
  ignored: number;
  score: number;
}

export interface Run {
  name: string;
  time: number;
  files: Record<string, { mutants: readonly Mutant[] }>;
  /** The files the run mutated; one in which Stryker found no mutant is absent from `files`. */
  mutated?: readonly string[];
}

export interface Combined {
  files: { file: string; run: string; row: Row }[];
  missing: string[];
  total: Row;
  nonStatic: Row;
}

export function tally(mutants: readonly Mutant[]): Row;
export function combineRuns(runs: readonly Run[], folderFiles: readonly string[]): Combined;
export function formatRow(name: string, row: Row): string;
