/** Reading a batch's results: the streamed join of its output and error files with its input. */
export { readBatchResults } from "./read-batch-results";
export { countRecord, describeSummary, emptySummary } from "./summary";
export type {
  BatchResultRecord,
  BatchResultStatus,
  BatchResultsSource,
  BatchResultsSummary,
  ReadBatchResultsOptions,
} from "./types";
