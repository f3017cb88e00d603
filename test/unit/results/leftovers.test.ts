import { spawnSync } from "node:child_process";
import { describe, expect, test } from "vitest";
import { isLeftover, LEFTOVER_AFTER_MS, processAlive } from "../../../provider/results/leftovers";

describe("processAlive", () => {
  test("this process runs; one that exited does not", () => {
    const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
    expect(processAlive(process.pid)).toBe(true);
    expect(processAlive(Number(child.stdout.toString()))).toBe(false);
  });

  test("pid 1 runs, whether signalling it is allowed (as root) or refused (EPERM, as another user)", () => {
    expect(processAlive(1)).toBe(true);
  });
});

describe("isLeftover: the age at which any entry goes", () => {
  test("a day, to the millisecond: an entry of a live process unchanged for exactly a day stays", () => {
    const now = 1_800_000_000_000;
    const alive = () => true;
    expect(LEFTOVER_AFTER_MS).toBe(86_400_000);
    expect(isLeftover({ pid: 1, mtimeMs: now - LEFTOVER_AFTER_MS }, now, alive)).toBe(false);
    expect(isLeftover({ pid: 1, mtimeMs: now - LEFTOVER_AFTER_MS - 1 }, now, alive)).toBe(true);
  });
});
