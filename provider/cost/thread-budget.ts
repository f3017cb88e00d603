/**
 * How many threads count a file, within a memory budget. Each counting thread holds its own copy
 * of the encoding's tables (the rank tables as JavaScript strings and maps, which threads
 * cannot share), so every thread adds about `THREAD_BYTES` to the process's peak RSS whatever the
 * input's size. The budget, not the cores, is what limits the threads on most machines.
 */

const MIB = 1024 * 1024;

/**
 * Peak RSS growth of one counting worker (o200k_base loaded, its heap capped as below), rounded up
 * from 78–87 MiB measured with Node 20.
 */
export const THREAD_BYTES = 88 * MIB;

/** The default budget for counting: the project's target for the RSS growth of a preview. */
export const COUNTING_MEMORY_BUDGET_BYTES = 128 * MIB;

/**
 * The young generation of a counting worker. Counting makes short-lived strings at a high rate;
 * Node's default semi-spaces let them take about 16 MiB more RSS per thread, for no measurable speed.
 */
export const WORKER_YOUNG_GENERATION_MIB = 8;

/**
 * The old generation of a counting worker. Its live data is the tables (about 40 MiB), the merge
 * cache and the line being counted; without a cap, V8 lets garbage pile up to well past the
 * budget on a long input (162 MiB of growth counting 64 MiB, against 78 MiB with a cap of 80).
 * A worker that runs out (a line of tens of megabytes) hands its range to the calling thread.
 */
export const WORKER_OLD_GENERATION_MIB = 96;

export interface CountingPlanInput {
  /** The file's size in bytes. */
  size: number;
  /** The machine's available parallelism. */
  cores: number;
  /** Threads asked for explicitly; overrides the budget. */
  threads?: number | undefined;
  /** Bytes of RSS growth counting may take; default `COUNTING_MEMORY_BUDGET_BYTES`. */
  memoryBudgetBytes?: number | undefined;
  /** Below this size the calling thread counts: starting a worker would cost more. */
  parallelMinBytes: number;
}

export interface CountingPlan {
  threads: number;
  /** True to count in worker threads (freed when done); false to count in the calling thread. */
  inWorkers: boolean;
}

/**
 * The plan for counting one file. Without an explicit thread count: as many workers as the
 * budget holds (at least one) and no more than the cores. A large file is counted in workers even
 * when only one fits, so that the tables are freed when it is done rather than kept by the
 * calling process (the provider's, which lives for the whole deployment).
 */
export function countingPlan(input: CountingPlanInput): CountingPlan {
  const cores = Math.max(1, Math.floor(input.cores));
  const threads =
    input.threads !== undefined
      ? Math.max(1, Math.floor(input.threads))
      : Math.max(
          1,
          Math.min(
            cores,
            Math.floor((input.memoryBudgetBytes ?? COUNTING_MEMORY_BUDGET_BYTES) / THREAD_BYTES),
          ),
        );
  if (input.size < input.parallelMinBytes) return { threads: 1, inWorkers: false };
  if (input.threads !== undefined && threads === 1) return { threads: 1, inWorkers: false };
  return { threads, inWorkers: true };
}
