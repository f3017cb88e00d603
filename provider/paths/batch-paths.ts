import type { InputProblem } from "../errors";
import { isUnknown } from "../validation/unknowns";
import { resultsFileProblems } from "./results-path";

/**
 * The file system's part of a Batch's check: `resultsPath` must be a file `pulumi up` can write
 * and must not be the `inputFile`, however either is spelled. Only for values that are known and
 * passed the argument checks (`failed` names the properties that did not); paths are relative to
 * `cwd`, the project's directory.
 */
export function batchPathProblems(
  inputs: Readonly<Record<string, unknown>>,
  cwd: string,
  failed: ReadonlySet<string>,
): InputProblem[] {
  const { resultsPath, inputFile } = inputs;
  if (typeof resultsPath !== "string" || isUnknown(resultsPath) || failed.has("resultsPath")) return [];
  const reads =
    typeof inputFile === "string" && !isUnknown(inputFile) && !failed.has("inputFile")
      ? [{ property: "inputFile", value: inputFile }]
      : [];
  return resultsFileProblems("resultsPath", resultsPath, cwd, reads);
}
