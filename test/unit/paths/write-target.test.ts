/**
 * Where the package may write a file (`resultsPath`, `--out`) or make a folder (`shardCacheDir`),
 * decided before anything runs: missing folders on the way are made, as `pulumi up` makes them.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { type PathFacts, pathFacts } from "../../../provider/paths/facts";
import { writeTargetProblem } from "../../../provider/paths/write-target";

const root = realpathSync(mkdtempSync(join(tmpdir(), "write-target-")));
mkdirSync(join(root, "folder"));
writeFileSync(join(root, "file.jsonl"), "{}\n");
execFileSync("mkfifo", [join(root, "pipe")]);
symlinkSync(join(root, "loop-b"), join(root, "loop-a"));
symlinkSync(join(root, "loop-a"), join(root, "loop-b"));
symlinkSync(join(root, "nowhere"), join(root, "dangling"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const problem = (path: string, target: "file" | "folder") =>
  writeTargetProblem(pathFacts(path, root), target);

describe("writeTargetProblem, for a file", () => {
  test.each([
    ["a new file in the project", "results.jsonl", undefined],
    ["a new file in folders still to be made", "out/2026/results.jsonl", undefined],
    ["an existing regular file (replaced whole)", "file.jsonl", undefined],
    ["a dangling symbolic link (the link is replaced)", "dangling", undefined],
    ["a directory", "folder", "it is a directory"],
    ["a directory, with a trailing dot", "folder/.", "it is a directory"],
    [
      "a file under a regular file",
      "file.jsonl/results.jsonl",
      `${join(root, "file.jsonl")} is a file, not a folder, so nothing can be made under it`,
    ],
    ["a named pipe", "pipe", "it is a named pipe (FIFO), not a regular file"],
    ["a device", "/dev/null", "it is a character device, not a regular file"],
    [
      "a new file under /dev",
      "/dev/shm/results.jsonl",
      "it is under /dev (/dev/shm/results.jsonl), which holds the system's own entries",
    ],
    [
      "a new file under /sys",
      "/sys/results.jsonl",
      "it is under /sys (/sys/results.jsonl), which holds the system's own entries",
    ],
    [
      "a symbolic link loop",
      "loop-a",
      "it cannot be looked up: its symbolic links form a loop (too many levels of symbolic links)",
    ],
    [
      "a file under a symbolic link loop",
      "loop-a/results.jsonl",
      "it cannot be looked up: its symbolic links form a loop (too many levels of symbolic links)",
    ],
  ])("%s: %s", (_name, path, expected) => {
    expect(problem(path, "file")).toBe(expected);
  });

  test("a file under /proc, named by its real path", () => {
    expect(problem("/proc/self/results.jsonl", "file")).toBe(
      `it is under /proc (${realpathSync("/proc/self")}/results.jsonl), which holds the system's own entries`,
    );
  });
});

describe("writeTargetProblem, for a folder", () => {
  test.each([
    ["the default cache folder, still to be made", ".pulumi-openai-batch/shards", undefined],
    ["an existing folder", "folder", undefined],
    ["a regular file", "file.jsonl", "it is a file, not a folder"],
    ["/dev/null", "/dev/null", "it is a character device, not a folder"],
    ["a named pipe", "pipe", "it is a named pipe (FIFO), not a folder"],
    [
      "under a regular file",
      "file.jsonl/shards",
      `${join(root, "file.jsonl")} is a file, not a folder, so nothing can be made under it`,
    ],
    ["a dangling symbolic link", "dangling", "it is a symbolic link to a path that does not exist"],
    [
      "a symbolic link loop",
      "loop-b",
      "it cannot be looked up: its symbolic links form a loop (too many levels of symbolic links)",
    ],
  ])("%s: %s", (_name, path, expected) => {
    expect(problem(path, "folder")).toBe(expected);
  });
});

describe("writeTargetProblem, on facts", () => {
  const facts = (extra: Partial<PathFacts>): PathFacts => ({
    path: "/p/out/r.jsonl",
    real: "/p/out/r.jsonl",
    caseInsensitive: false,
    existing: { real: "/p", kind: "directory", writable: true },
    ...extra,
  });

  test("a folder that cannot be written (no permission, a read-only file system)", () => {
    expect(
      writeTargetProblem(facts({ existing: { real: "/p", kind: "directory", writable: false } }), "file"),
    ).toBe("the folder /p cannot be written to (no permission, or a read-only file system)");
  });

  test("an existing folder that cannot be written, for the shard cache", () => {
    const folder = facts({
      real: "/p",
      entry: { kind: "directory", dev: 1n, ino: 2n },
      existing: { real: "/p", kind: "directory", writable: false },
    });
    expect(writeTargetProblem(folder, "folder")).toBe(
      "the folder /p cannot be written to (no permission, or a read-only file system)",
    );
  });
});
