import * as pulumi from "@pulumi/pulumi";
import { ERROR_BRAND } from "../errors/brand";
import { formatProblems, type InputProblem } from "../errors/input-error";

/**
 * An input error found while the program runs, by the `Batch` and `BatchSet` classes themselves:
 * a `BatchInputError` for `isBatchInputError` (same brand, `problems` and message), and a Pulumi
 * `ResourceError` that hides its stack, so that the engine prints its message alone, under the
 * resource it names, and not as an unhandled exception with a JavaScript stack trace.
 */
export class ProgramInputError extends pulumi.ResourceError {
  readonly [ERROR_BRAND] = "input" as const;
  override readonly name = "BatchInputError";
  readonly problems: readonly InputProblem[];

  /** `resource` is the resource the problems belong to, when it exists yet. */
  constructor(problems: readonly InputProblem[], resource: pulumi.Resource | undefined) {
    super(formatProblems(problems), resource, true);
    this.problems = problems;
  }
}
