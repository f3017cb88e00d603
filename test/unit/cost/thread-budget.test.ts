import { describe, expect, test } from "vitest";
import {
  COUNTING_MEMORY_BUDGET_BYTES,
  countingPlan,
  THREAD_BYTES,
} from "../../../provider/cost/thread-budget";

const MIB = 1024 * 1024;
const LARGE = 200 * MIB;
const MIN = 4 * MIB;

describe("how many threads count a file", () => {
  test("the default budget holds one counting thread, on 2 cores and on 64", () => {
    expect(THREAD_BYTES).toBeLessThanOrEqual(COUNTING_MEMORY_BUDGET_BYTES);
    expect(2 * THREAD_BYTES).toBeGreaterThan(COUNTING_MEMORY_BUDGET_BYTES);
    for (const cores of [1, 2, 64]) {
      expect(countingPlan({ size: LARGE, cores, parallelMinBytes: MIN })).toEqual({
        threads: 1,
        inWorkers: true,
      });
    }
  });

  test("a larger budget adds threads, never more than the cores", () => {
    const budget = 4 * THREAD_BYTES;
    expect(countingPlan({ size: LARGE, cores: 8, memoryBudgetBytes: budget, parallelMinBytes: MIN })).toEqual(
      { threads: 4, inWorkers: true },
    );
    expect(countingPlan({ size: LARGE, cores: 2, memoryBudgetBytes: budget, parallelMinBytes: MIN })).toEqual(
      { threads: 2, inWorkers: true },
    );
  });

  test("a budget below one thread still counts, with one", () => {
    expect(countingPlan({ size: LARGE, cores: 8, memoryBudgetBytes: MIB, parallelMinBytes: MIN })).toEqual({
      threads: 1,
      inWorkers: true,
    });
  });

  test("each thread takes 88 MiB of the budget", () => {
    for (const [budget, threads] of [
      [2 * 88 * MIB, 2],
      [2 * 88 * MIB - 1, 1],
    ] as const) {
      expect(
        countingPlan({ size: LARGE, cores: 8, memoryBudgetBytes: budget, parallelMinBytes: MIN }),
      ).toEqual({
        threads,
        inWorkers: true,
      });
    }
  });

  test("a file of the smallest size for workers is counted in workers", () => {
    expect(countingPlan({ size: MIN, cores: 8, threads: 4, parallelMinBytes: MIN })).toEqual({
      threads: 4,
      inWorkers: true,
    });
  });

  test("a small file is counted in the calling thread", () => {
    expect(countingPlan({ size: MIN - 1, cores: 8, threads: 4, parallelMinBytes: MIN })).toEqual({
      threads: 1,
      inWorkers: false,
    });
  });

  test("explicit threads override the budget; one explicit thread is the calling thread", () => {
    expect(countingPlan({ size: LARGE, cores: 2, threads: 3, parallelMinBytes: MIN })).toEqual({
      threads: 3,
      inWorkers: true,
    });
    expect(countingPlan({ size: LARGE, cores: 8, threads: 1, parallelMinBytes: MIN })).toEqual({
      threads: 1,
      inWorkers: false,
    });
  });
});
