import { stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { findWorker, startWorker, type WorkerSource } from "../workers/source";
import { lineAlignedRanges, lineNumberAt, tallyFileRange } from "./count-range";
import type { CountJob } from "./count-worker";
import { mergeTallies, type TokenTally } from "./tally";
import { countingPlan, WORKER_OLD_GENERATION_MIB, WORKER_YOUNG_GENERATION_MIB } from "./thread-budget";

/** Below this size a file is counted in the calling thread: starting workers would cost more. */
export const PARALLEL_MIN_BYTES = 4 * 1024 * 1024;

export interface TallyFileOptions {
  /**
   * Threads to count with; default: as many as `memoryBudgetBytes` holds, at most one per core
   * (see thread-budget.ts). One explicit thread counts in the calling thread.
   */
  threads?: number;
  /** The RSS growth counting may take; default 128 MiB, which holds one counting thread. */
  memoryBudgetBytes?: number;
  /** Files smaller than this are counted in the calling thread; default `PARALLEL_MIN_BYTES`. */
  parallelMinBytes?: number;
  /** @internal The old-generation cap of each worker, in MiB (tests make it run out). */
  workerOldGenerationMib?: number;
}

/**
 * Tallies a JSONL file, in worker threads for a large file: the file is cut into line-aligned
 * byte ranges, one per thread, and the tallies added up. The threads are as many as the memory
 * budget holds, at most one per core.
 */
export async function tallyFile(
  path: string,
  endpoint: string,
  options: TallyFileOptions = {},
): Promise<TokenTally> {
  const size = (await stat(path)).size;
  const plan = countingPlan({
    size,
    cores: availableParallelism(),
    threads: options.threads,
    memoryBudgetBytes: options.memoryBudgetBytes,
    parallelMinBytes: options.parallelMinBytes ?? PARALLEL_MIN_BYTES,
  });
  const script = workerScript();
  let tally: TokenTally;
  if (!plan.inWorkers || script === undefined) {
    tally = await tallyFileRange(path, endpoint, 0, size);
  } else {
    const ranges = await lineAlignedRanges(path, size, plan.threads);
    const oldGenerationMib = options.workerOldGenerationMib ?? WORKER_OLD_GENERATION_MIB;
    const parts = await Promise.all(
      ranges.map(([start, end]) => runWorker(script, { path, endpoint, start, end }, oldGenerationMib)),
    );
    tally = mergeTallies(endpoint, parts);
  }
  if (tally.firstRefusedByte !== undefined) {
    tally.firstRefusedLine = await lineNumberAt(path, tally.firstRefusedByte);
  }
  return tally;
}

/**
 * The compiled worker module beside this one (or the single executable's copy). When this module
 * runs from its TypeScript source (in tests), the compiled copy under dist/ is used if it has been
 * built; without one, counting stays in the calling thread.
 */
function workerScript(): WorkerSource | undefined {
  return findWorker("cost/count-worker", [
    join(__dirname, "count-worker.js"),
    join(__dirname, "..", "..", "dist", "provider", "cost", "count-worker.js"),
  ]);
}

/**
 * Counts one range in a worker with a capped heap. A worker that runs out of heap (a line of tens
 * of megabytes) is not a failure: its range is counted again in the calling thread.
 */
function runWorker(script: WorkerSource, job: CountJob, oldGenerationMib: number): Promise<TokenTally> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(script, {
      workerData: job,
      resourceLimits: {
        maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MIB,
        maxOldGenerationSizeMb: oldGenerationMib,
      },
    });
    worker.once("message", (message: { tally?: TokenTally; error?: string }) => {
      if (message.tally === undefined) {
        reject(new CountingError(message.error ?? "a counting worker failed"));
      } else {
        resolve(message.tally);
      }
      void worker.terminate();
    });
    worker.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ERR_WORKER_OUT_OF_MEMORY") {
        tallyFileRange(job.path, job.endpoint, job.start, job.end).then(resolve, reject);
      } else {
        reject(error);
      }
    });
  });
}

/** A counting worker could not read its part of the file. */
export class CountingError extends Error {
  override readonly name = "CountingError";
}
