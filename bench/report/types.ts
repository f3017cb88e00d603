/** The shapes the sections return and bench/results.json holds. */

/** One figure: an absolute value, its baseline (measured in the same run, or computed where its name says so), their ratio and the target. */
export interface Row {
  /** What is measured, e.g. "validateBatchInput 200 MiB: throughput". */
  name: string;
  value: number | null;
  unit: string;
  baseline?: { name: string; value: number | null };
  /** value / baseline. */
  ratio?: number | null;
  /** The project's target, e.g. "≥ 200 MiB/s"; absent when the figure is for information. */
  target?: string;
  /** Whether the target is met; absent without a target. */
  met?: boolean;
}

/** A check that fails the run (exit code 1): exact counts, memory bounds, generous ratios. */
export interface Assertion {
  name: string;
  pass: boolean;
  detail: string;
}

export interface SectionResult {
  id: SectionId;
  title: string;
  rows: Row[];
  assertions: Assertion[];
  notes: string[];
  /** Why the section did not run, when it did not. */
  skipped?: string;
  durationMs: number;
}

export type SectionId =
  | "validate"
  | "upload"
  | "overhead"
  | "wait"
  | "stack"
  | "cost"
  | "results"
  | "split"
  | "plugin"
  | "tokens"
  | "set";

export const SECTION_IDS: readonly SectionId[] = [
  "validate",
  "upload",
  "overhead",
  "wait",
  "stack",
  "cost",
  "results",
  "split",
  "plugin",
  "tokens",
  "set",
];

export interface Machine {
  cores: number;
  cpuModel: string;
  node: string;
  platform: string;
  arch: string;
  totalMemoryMiB: number;
  jq: string | null;
}

export interface BenchResults {
  schemaVersion: 1;
  mode: "full" | "quick";
  startedAt: string;
  durationMs: number;
  machine: Machine;
  /** The 1, 5 and 15 minute load averages when the run started and ended: a busy machine skews times. */
  loadAverage: { start: number[]; end: number[] };
  sections: SectionResult[];
  /** True when every assertion held. */
  passed: boolean;
}

/** What a section is asked to do. */
export interface SectionOptions {
  quick: boolean;
  /** Where generated inputs go (gitignored). */
  dataDir: string;
  /** Keep generated inputs for the next run. */
  keepData: boolean;
}
