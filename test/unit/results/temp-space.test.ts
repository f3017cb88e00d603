/** The temporary paths in use, removed when the process exits: what the `exit` hook does, called here directly. */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { forget, makeTempDir, removeAtExit, removeLiveSync } from "../../../provider/results/temp-space";

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
