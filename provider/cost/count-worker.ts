import { parentPort, workerData } from "node:worker_threads";
import { tallyFileRange } from "./count-range";

/** What a counting worker is given: one line-aligned byte range of a file. */
export interface CountJob {
  path: string;
  endpoint: string;
  start: number;
  end: number;
}

const job = workerData as CountJob;
tallyFileRange(job.path, job.endpoint, job.start, job.end).then(
  (tally) => parentPort?.postMessage({ tally }),
  (error: unknown) => parentPort?.postMessage({ error: (error as Error).message }),
);
