/**
 * The bench runs each section in a child process. Whatever that child starts (an emulator, an
 * engine) must not outlive it, whether it answers or is killed for taking too long.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { runInChild } from "../../bench/lib/child";

const FIXTURE = join(__dirname, "support", "bench-child-with-grandchild.cjs");
const dir = mkdtempSync(join(tmpdir(), "bench-child-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until `pid` is gone, or gives up after a while and says whether it still lives. */
async function goneSoon(pid: number): Promise<boolean> {
  for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  return !alive(pid);
}

test("a child that outlives its time is killed with everything it started", async () => {
  const pidFile = join(dir, "hang.pid");
  await expect(runInChild<string>(FIXTURE, [pidFile, "hang"], { timeoutMs: 2_000 })).rejects.toThrow(
    /took longer than 2000 ms/,
  );
  const grandchild = Number(readFileSync(pidFile, "utf8"));
  expect(grandchild).toBeGreaterThan(0);
  const gone = await goneSoon(grandchild);
  if (!gone) process.kill(grandchild, "SIGKILL");
  expect(gone).toBe(true);
});

test("a child that answers leaves nothing it started running", async () => {
  const pidFile = join(dir, "answer.pid");
  await expect(runInChild<string>(FIXTURE, [pidFile, "answer"], { timeoutMs: 20_000 })).resolves.toBe("done");
  const grandchild = Number(readFileSync(pidFile, "utf8"));
  const gone = await goneSoon(grandchild);
  if (!gone) process.kill(grandchild, "SIGKILL");
  expect(gone).toBe(true);
});
