import type { InputProblem } from "../errors";
import type { PathFacts } from "./facts";

/**
 * Whether two paths name one file. Where both exist, they are the same file exactly when they are
 * the same entry (device and inode): that covers symbolic links, `./` and `..`, hard links, and
 * names in another case on a case-insensitive file system. A path that exists is never one that
 * does not. Where neither exists yet, their real spellings are compared (without case when the
 * folder they would be made in ignores it), so that two files the package is still to write are
 * told apart too.
 */
export function sameFile(a: PathFacts, b: PathFacts): boolean {
  if (a.unresolvable !== undefined || b.unresolvable !== undefined) return false;
  if (a.entry !== undefined || b.entry !== undefined) {
    return (
      a.entry !== undefined &&
      b.entry !== undefined &&
      a.entry.dev === b.entry.dev &&
      a.entry.ino === b.entry.ino
    );
  }
  if (a.real === b.real) return true;
  return a.caseInsensitive && b.caseInsensitive && a.real.toLowerCase() === b.real.toLowerCase();
}

/** A path an argument names: the argument, its value as written, and what the file system says. */
export interface NamedPath {
  /** The argument, e.g. `resultsPath` or `--out`. */
  property: string;
  /** The value as the user wrote it. */
  value: string;
  facts: PathFacts;
}

/**
 * One problem for each file the package would write that is a file it reads (or another file it
 * writes): the written argument's problem names both arguments, the file, and what to change.
 */
export function overlapProblems(writes: readonly NamedPath[], reads: readonly NamedPath[]): InputProblem[] {
  const problems: InputProblem[] = [];
  writes.forEach((write, index) => {
    const read = reads.find((candidate) => sameFile(write.facts, candidate.facts));
    if (read !== undefined) {
      problems.push({
        property: write.property,
        reason: `${write.property} ${JSON.stringify(write.value)} is the same file as ${read.property} ${JSON.stringify(read.value)} (${read.facts.real}): writing there would overwrite the input; give ${write.property} another path`,
      });
      return;
    }
    const earlier = writes.slice(0, index).find((candidate) => sameFile(write.facts, candidate.facts));
    if (earlier !== undefined) {
      problems.push({
        property: write.property,
        reason: `${write.property} ${JSON.stringify(write.value)} is the same file as ${earlier.property} ${JSON.stringify(earlier.value)} (${earlier.facts.real}): one would overwrite the other; give ${write.property} another path`,
      });
    }
  });
  return problems;
}
