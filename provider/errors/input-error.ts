import { ERROR_BRAND, hasBrand } from "./brand";

/** One thing wrong with the inputs: which property, and what to change. */
export interface InputProblem {
  /** The property path, e.g. `metadata.team` or `requests[3].body.model`. */
  property: string;
  /** What is wrong and what to change, in one sentence or two. */
  reason: string;
}

/**
 * The inputs (or the configuration) are wrong. Nothing was sent to the API; the message says which
 * property and what to change.
 */
export class BatchInputError extends Error {
  readonly [ERROR_BRAND] = "input" as const;
  override readonly name = "BatchInputError";
  readonly problems: readonly InputProblem[];

  constructor(problems: readonly InputProblem[]) {
    super(formatProblems(problems));
    this.problems = problems;
  }
}

export function isBatchInputError(value: unknown): value is BatchInputError {
  return hasBrand(value, "input");
}

/** The message of an input error: one line for one problem, one line each for several. */
export function formatProblems(problems: readonly InputProblem[]): string {
  if (problems.length === 1) {
    const only = problems[0]!;
    return `${only.property}: ${only.reason}`;
  }
  return [
    `${problems.length} problems with the inputs:`,
    ...problems.map((p) => `  ${p.property}: ${p.reason}`),
  ].join("\n");
}
