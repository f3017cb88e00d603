import type { InputProblem } from "../errors";
import { pathFacts } from "./facts";
import { type NamedPath, overlapProblems } from "./same-file";
import { writeTargetProblem } from "./write-target";

/** A file the package reads, named by the argument that gives it. */
export interface ReadPath {
  property: string;
  value: string;
}

/**
 * The problems of a results file that only the file system can tell, found at `check` so that
 * preview shows them before any batch runs: the file must be one the package can write (see
 * `writeTargetProblem`), and must not be any of the files it reads. Paths are relative to `cwd`,
 * the project's directory. `property` names the argument, e.g. `resultsPath`.
 */
export function resultsFileProblems(
  property: string,
  value: string,
  cwd: string,
  reads: readonly ReadPath[],
): InputProblem[] {
  const facts = pathFacts(value, cwd);
  const problem = writeTargetProblem(facts, "file");
  if (problem !== undefined) {
    return [
      {
        property,
        reason: `${property} ${JSON.stringify(value)} (${facts.path}) cannot be written: ${problem}; give the path of a file in a folder that can be written, such as "results.jsonl"`,
      },
    ];
  }
  const written: NamedPath = { property, value, facts };
  const read = reads.map((path) => ({ ...path, facts: pathFacts(path.value, cwd) }));
  return overlapProblems([written], read);
}
