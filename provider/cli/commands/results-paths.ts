import { pathFacts } from "../../paths/facts";
import { type NamedPath, overlapProblems } from "../../paths/same-file";
import { writeTargetProblem } from "../../paths/write-target";
import { CliFileError, CliUsageError } from "../errors";
import type { ResultsArguments } from "./results-arguments";

/**
 * Refuses, before anything is read or downloaded, a file `openai-batch results` would write
 * (`--out`, `--failed-requests`) that it cannot write (`CliFileError`), or that is the `--input`
 * file however it is spelled, or the other file it writes (`CliUsageError`). Paths are relative
 * to `cwd`. Both exit 2.
 */
export function checkResultsPaths(command: ResultsArguments, cwd: string): void {
  const named = (property: string, value: string | undefined): NamedPath | undefined =>
    value === undefined ? undefined : { property, value, facts: pathFacts(value, cwd) };
  const writes = [named("--out", command.out), named("--failed-requests", command.failedRequests)].filter(
    (path): path is NamedPath => path !== undefined,
  );
  for (const write of writes) {
    const problem = writeTargetProblem(write.facts, "file");
    if (problem !== undefined) throw new CliFileError(write.facts.path, problem, "write");
  }
  const input = named("--input", command.input);
  const [overlap] = overlapProblems(writes, input === undefined ? [] : [input]);
  if (overlap !== undefined) throw new CliUsageError(overlap.reason);
}
