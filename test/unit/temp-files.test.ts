/**
 * Temporary files: which are leftovers of runs that ended, and how a write and a new temporary
 * folder clear them. The processes here are real: a pid that is gone is one of a child that
 * exited.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { writeAtomically } from "../../provider/results/atomic-file";
import { isLeftover, LEFTOVER_AFTER_MS } from "../../provider/results/leftovers";
import { makeTempDir, removeTempDir, tempRoot } from "../../provider/results/temp-space";

const work = mkdtempSync(join(tmpdir(), "temp-files-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  return Number(child.stdout.toString());
}

const NOW = 1_800_000_000_000;
const alive = (pid: number) => pid === 1;

describe("isLeftover", () => {
  test.each([
    ["a gone process's entry", { pid: 4_000_000, mtimeMs: NOW }, true],
    ["a live process's entry", { pid: 1, mtimeMs: NOW }, false],
    ["this process's own entry", { pid: process.pid, mtimeMs: NOW }, false],
    [
      "a live process's entry unchanged for more than a day",
      { pid: 1, mtimeMs: NOW - LEFTOVER_AFTER_MS - 1 },
      true,
    ],
    ["an entry without a pid, recent", { pid: undefined, mtimeMs: NOW - 60_000 }, false],
    [
      "an entry without a pid, unchanged for more than a day",
      { pid: undefined, mtimeMs: NOW - LEFTOVER_AFTER_MS - 1 },
      true,
    ],
  ])("%s: %s", (_case, entry, leftover) => {
    expect(isLeftover(entry, NOW, alive)).toBe(leftover);
  });
});

describe("a write removes the temporary files earlier writes to its target left", () => {
  test("those of gone processes and old ones; a live writer's, other files and other targets' stay", async () => {
    const dir = join(work, "write");
    mkdirSync(dir);
    const dead = deadPid();
    const old = (Date.now() - LEFTOVER_AFTER_MS) / 1000 - 3_600;
    const files = {
      deadWriter: `.results.jsonl.${dead}.0123456789ab.tmp`,
      liveWriter: `.results.jsonl.${process.pid}.0123456789ab.tmp`,
      oldWithoutPid: ".results.jsonl.abcdef012345.tmp",
      recentWithoutPid: ".results.jsonl.fedcba987654.tmp",
      otherTarget: `.other.jsonl.${dead}.0123456789ab.tmp`,
      notOurs: ".results.jsonl.backup.tmp",
    };
    for (const name of Object.values(files)) writeFileSync(join(dir, name), "partial");
    utimesSync(join(dir, files.oldWithoutPid), old, old);
    await writeAtomically(join(dir, "results.jsonl"), (write) => write("done\n"));
    expect(readdirSync(dir).sort()).toEqual(
      [files.liveWriter, files.recentWithoutPid, files.otherTarget, files.notOurs, "results.jsonl"].sort(),
    );
  });

  test("a write that fails removes its own temporary file and leaves the target as it was", async () => {
    const dir = join(work, "failed");
    mkdirSync(dir);
    writeFileSync(join(dir, "results.jsonl"), "before\n");
    const failing = writeAtomically(join(dir, "results.jsonl"), async (write) => {
      await write("half");
      throw new RangeError("the download broke");
    });
    await expect(failing).rejects.toThrow("the download broke");
    expect(readdirSync(dir)).toEqual(["results.jsonl"]);
  });
});

describe("temporary folders", () => {
  test("live in one folder per user, made private; a new one clears the folders of gone processes", async () => {
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = join(work, "tmp");
    mkdirSync(process.env.TMPDIR);
    try {
      const root = tempRoot();
      const first = await makeTempDir("results");
      expect(first.startsWith(join(root, `${process.pid}-results-`))).toBe(true);
      const left = join(root, `${deadPid()}-results-abcdef`);
      mkdirSync(left);
      writeFileSync(join(left, "lines"), "spooled");
      const second = await makeTempDir("retry");
      expect(existsSync(left)).toBe(false);
      expect(existsSync(first)).toBe(true);
      await removeTempDir(first);
      await removeTempDir(second);
      expect(readdirSync(root)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });

  test("a shared folder that others may write to is not used or swept", async () => {
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = join(work, "open-tmp");
    mkdirSync(process.env.TMPDIR);
    try {
      const root = tempRoot();
      mkdirSync(root, { mode: 0o777 });
      const left = join(root, `${deadPid()}-results-abcdef`);
      mkdirSync(left);
      const dir = await makeTempDir("results");
      expect(dir.startsWith(`${root}/`)).toBe(false);
      expect(dir.startsWith(join(process.env.TMPDIR, `pulumi-openai-batch-${process.pid}-results-`))).toBe(
        true,
      );
      expect(existsSync(left)).toBe(true);
      await removeTempDir(dir);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });
});
