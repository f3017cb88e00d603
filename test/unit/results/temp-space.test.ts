/** The temporary paths in use, removed when the process exits: what the `exit` hook does, called here directly. */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, test } from "vitest";
import {
  forget,
  makeTempDir,
  removeAtExit,
  removeLiveSync,
  removeTempDir,
  tempRoot,
} from "../../../provider/results/temp-space";

const work = mkdtempSync(join(tmpdir(), "temp-space-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("removeLiveSync, the exit hook", () => {
  test("removes the folders and files in use, not those forgotten; hooked on exit once", async () => {
    const inUse = join(work, "in-use.tmp");
    const renamed = join(work, "renamed.tmp");
    writeFileSync(inUse, "x");
    writeFileSync(renamed, "x");
    removeAtExit(inUse);
    removeAtExit(renamed);
    forget(renamed);
    const dir = await makeTempDir("exit");
    writeFileSync(join(dir, "part"), "x");
    expect(process.listeners("exit").filter((listener) => listener === removeLiveSync)).toHaveLength(1);

    removeLiveSync();
    expect([existsSync(inUse), existsSync(renamed), existsSync(dir)]).toEqual([false, true, false]);
  });

  test("a path already gone is passed over, and the set is emptied", async () => {
    const gone = join(work, "gone.tmp");
    removeAtExit(gone);
    const later = join(work, "later.tmp");
    writeFileSync(later, "x");
    removeAtExit(later);
    expect(() => removeLiveSync()).not.toThrow();
    expect(existsSync(later)).toBe(false);
    // Emptied: a file made again at a removed path is not removed by a later call.
    writeFileSync(later, "x");
    removeLiveSync();
    expect(existsSync(later)).toBe(true);
  });
});

describe("the folder of this user's temporary folders", () => {
  const TMPDIR = process.env.TMPDIR;
  afterEach(() => {
    if (TMPDIR === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = TMPDIR;
  });
  /** A temporary folder of the system's own for one test: `tmpdir()` reads TMPDIR at each call. */
  function system(name: string): string {
    const dir = join(work, name);
    mkdirSync(dir);
    process.env.TMPDIR = dir;
    return dir;
  }
  const uid = () => (process.getuid as () => number)();

  test("is named after the user", () => {
    const dir = system("named");
    expect(tempRoot()).toBe(join(dir, `pulumi-openai-batch-${uid()}`));
  });

  test.each([
    ["a file, even one closed to others", (root: string) => writeFileSync(root, "x", { mode: 0o600 })],
    [
      "open to others",
      (root: string) => {
        mkdirSync(root);
        chmodSync(root, 0o755);
      },
    ],
  ])("when it is %s, a folder of this run's own is made beside it", async (_case, make) => {
    const dir = system(`beside-${_case.replace(/ /g, "-")}`);
    make(tempRoot());
    const made = await makeTempDir("results");
    expect(join(made, "..")).toBe(dir);
    expect(made.startsWith(join(dir, `pulumi-openai-batch-${process.pid}-results-`))).toBe(true);
    await removeTempDir(made);
  });

  test("a folder with files in it is removed whole; leftovers of gone runs go, with their files", async () => {
    system("sweep");
    const root = tempRoot();
    mkdirSync(root, { mode: 0o700 });
    const dead = Number(
      spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString(),
    );
    const leftover = join(root, `${dead}-results-abc`);
    const notAPid = join(root, `run-${dead}-results-abc`);
    for (const folder of [leftover, notAPid]) {
      mkdirSync(folder);
      writeFileSync(join(folder, "part"), "x");
    }
    const made = await makeTempDir("results");
    expect([existsSync(leftover), existsSync(notAPid)]).toEqual([false, true]);
    writeFileSync(join(made, "part"), "x");
    await removeTempDir(made);
    expect(existsSync(made)).toBe(false);
  });
});
