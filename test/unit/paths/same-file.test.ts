/**
 * The one rule that keeps the package from writing over a file it reads: two paths are the same
 * file by device and inode where both exist, and by their real spelling where neither does.
 */
import { linkSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { type PathFacts, pathFacts } from "../../../provider/paths/facts";
import { overlapProblems, sameFile } from "../../../provider/paths/same-file";

// A project folder holding the input, and the links the table names.
const root = realpathSync(mkdtempSync(join(tmpdir(), "same-file-")));
const project = join(root, "project");
mkdirSync(join(project, "data"), { recursive: true });
mkdirSync(join(project, "other"));
writeFileSync(join(project, "data", "in.jsonl"), "{}\n");
writeFileSync(join(project, "data", "copy.jsonl"), "{}\n");
symlinkSync(join(project, "data", "in.jsonl"), join(project, "link.jsonl"));
symlinkSync("data/in.jsonl", join(project, "relative-link.jsonl"));
linkSync(join(project, "data", "in.jsonl"), join(project, "hard.jsonl"));
symlinkSync(join(project, "data"), join(project, "data-link"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const facts = (path: string): PathFacts => pathFacts(path, project);

describe("sameFile, on the file system", () => {
  test.each([
    ["the path as written", "data/in.jsonl", "data/in.jsonl", true],
    ["with ./ in front", "./data/in.jsonl", "data/in.jsonl", true],
    ["absolute", join(project, "data/in.jsonl"), "data/in.jsonl", true],
    ["through ..", "other/../data/in.jsonl", "data/in.jsonl", true],
    ["through .. from a folder that does not exist", "missing/../data/in.jsonl", "data/in.jsonl", true],
    ["with doubled slashes", "data//in.jsonl", "data/in.jsonl", true],
    ["a symbolic link to it", "link.jsonl", "data/in.jsonl", true],
    ["a relative symbolic link to it", "relative-link.jsonl", "data/in.jsonl", true],
    ["a hard link to it", "hard.jsonl", "data/in.jsonl", true],
    ["through a folder that is a symbolic link", "data-link/in.jsonl", "data/in.jsonl", true],
    ["a copy (same bytes, another file)", "data/copy.jsonl", "data/in.jsonl", false],
    ["a missing file beside it", "data/out.jsonl", "data/in.jsonl", false],
    [
      "a missing file under a symbolic link to its folder, and the same missing file",
      "data-link/out.jsonl",
      "data/out.jsonl",
      true,
    ],
    [
      "two missing files in missing folders, spelled differently",
      "new/./x/out.jsonl",
      "new/x/../x/out.jsonl",
      true,
    ],
    ["two different missing files", "new/a.jsonl", "new/b.jsonl", false],
    ["a missing file and an existing one", "data/in.jsonl.tmp", "data/in.jsonl", false],
  ])("%s: %s and %s -> %s", (_name, a, b, expected) => {
    expect(sameFile(facts(a), facts(b))).toBe(expected);
    expect(sameFile(facts(b), facts(a))).toBe(expected);
  });
});

/** Facts as `pathFacts` gives them, for cases this machine's file system cannot make. */
function made(real: string, extra: Partial<PathFacts> = {}): PathFacts {
  return {
    path: real,
    real,
    caseInsensitive: false,
    existing: { real: "/p", kind: "directory", writable: true },
    ...extra,
  };
}

describe("sameFile, on facts", () => {
  test.each([
    [
      "one entry: the same file",
      made("/p/a", { entry: { kind: "file", dev: 1n, ino: 7n } }),
      made("/q/b", { entry: { kind: "file", dev: 1n, ino: 7n } }),
      true,
    ],
    [
      "the same inode on another device: another file",
      made("/p/a", { entry: { kind: "file", dev: 1n, ino: 7n } }),
      made("/p/a", { entry: { kind: "file", dev: 2n, ino: 7n } }),
      false,
    ],
    [
      "missing names in another case, in a case-insensitive folder: one file",
      made("/p/In.jsonl", { caseInsensitive: true }),
      made("/p/in.JSONL", { caseInsensitive: true }),
      true,
    ],
    [
      "missing names in another case, in a case-sensitive folder: two files",
      made("/p/In.jsonl"),
      made("/p/in.jsonl"),
      false,
    ],
    [
      "a path that cannot be looked up is no file",
      made("/p/a", { unresolvable: "a loop" }),
      made("/p/a"),
      false,
    ],
  ])("%s", (_name, a, b, expected) => {
    expect(sameFile(a, b)).toBe(expected);
  });
});

describe("overlapProblems", () => {
  test("a written file that is a read one names both arguments, the file, and what to change", () => {
    expect(
      overlapProblems(
        [{ property: "resultsPath", value: "./link.jsonl", facts: facts("./link.jsonl") }],
        [{ property: "inputFile", value: "data/in.jsonl", facts: facts("data/in.jsonl") }],
      ),
    ).toEqual([
      {
        property: "resultsPath",
        reason: `resultsPath "./link.jsonl" is the same file as inputFile "data/in.jsonl" (${join(project, "data/in.jsonl")}): writing there would overwrite the input; give resultsPath another path`,
      },
    ]);
  });

  test("two written files that are one: the second is named", () => {
    expect(
      overlapProblems(
        [
          { property: "--out", value: "new/r.jsonl", facts: facts("new/r.jsonl") },
          { property: "--failed-requests", value: "./new/r.jsonl", facts: facts("./new/r.jsonl") },
        ],
        [],
      ),
    ).toEqual([
      {
        property: "--failed-requests",
        reason: `--failed-requests "./new/r.jsonl" is the same file as --out "new/r.jsonl" (${join(project, "new/r.jsonl")}): one would overwrite the other; give --failed-requests another path`,
      },
    ]);
  });

  test("different files: no problem", () => {
    expect(
      overlapProblems(
        [{ property: "resultsPath", value: "results.jsonl", facts: facts("results.jsonl") }],
        [{ property: "inputFile", value: "data/in.jsonl", facts: facts("data/in.jsonl") }],
      ),
    ).toEqual([]);
  });
});
