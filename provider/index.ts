/**
 * pulumi-openai-batch: OpenAI Batch jobs as Pulumi resources.
 *
 * Program side: the `Batch` resource, and `BatchSet`, which splits any number of requests into
 * batches. Anywhere: `validateBatchInput`, the same validator `pulumi preview` runs, and the token
 * counter and prices of the cost estimate. The error classes and their guards. The local emulator of the API lives
 * at `pulumi-openai-batch/emulator`.
 */

export {
  BATCH_ENDPOINTS,
  BATCH_TYPE_TOKEN,
  type BatchAttempt,
  type BatchCostEstimate,
  type BatchEndpoint,
  type BatchErrorEntry,
  type BatchInputs,
  type BatchOutputs,
  type BatchRequestLine,
  type BatchStatus,
  type BatchUsage,
  type CompletionWindow,
  type OutputExpiresAfter,
  type RequestCounts,
  type ResultsSummary,
  type TokenPrice,
} from "./contract";
export {
  BATCH_PRICE_TABLE,
  type CostEstimate,
  costOfUsage,
  countRequestBody,
  countRequestLine,
  estimateCost,
  PRICE_TABLE_AS_OF,
  type TokenTally,
  tallyFile,
} from "./cost";
export {
  BatchApiError,
  BatchInputError,
  BatchInputFileError,
  BatchWaitError,
  type InputProblem,
  isBatchApiError,
  isBatchInputError,
  isBatchInputFileError,
  isBatchWaitError,
} from "./errors";
export { Batch, type BatchArgs, type BatchEndpointArg, type BatchRequestLineArgs } from "./resource/batch";
export {
  type BatchResultRecord,
  type BatchResultStatus,
  type BatchResultsSource,
  type BatchResultsSummary,
  type ReadBatchResultsOptions,
  readBatchResults,
} from "./results";
export type { BatchSetArgs, BatchSetRequestLine } from "./set/args";
export { BATCH_SET_TYPE_TOKEN, BatchSet } from "./set/batch-set";
export { formatReport } from "./validation/jsonl/format";
export type { LineProblem } from "./validation/jsonl/line-problem";
export {
  type BatchInputReport,
  type BatchInputSource,
  type ValidateBatchInputOptions,
  validateBatchInput,
} from "./validation/jsonl/validate";
