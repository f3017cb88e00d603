import { spawnSync } from "node:child_process";
import { describe, expect, test } from "vitest";
import { processAlive } from "../../../provider/results/leftovers";

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
