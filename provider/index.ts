/**
 * pulumi-openai-batch: OpenAI Batch jobs as Pulumi resources.
 *
 * Program side: the `Batch` resource, and `BatchSet`, which splits any number of requests into batches. Anywhere: `validateBatchInput`, the same validator
 * `pulumi preview` runs. The error classes and their guards. The local emulator of the API lives
 * at `pulumi-openai-batch/emulator`.
 */

export {
  BATCH_ENDPOINTS,
  BATCH_TYPE_TOKEN,
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
} from "./contract";
export {
  BatchApiError,
  BatchInputError,
  BatchWaitError,
  type InputProblem,
  isBatchApiError,
  isBatchInputError,
  isBatchWaitError,
} from "./errors";
export { Batch, type BatchArgs, type BatchRequestLineArgs } from "./resource/batch";
export type { BatchSetArgs } from "./set/args";
export { BATCH_SET_TYPE_TOKEN, BatchSet } from "./set/batch-set";
export { formatReport } from "./validation/jsonl/format";
export type { LineProblem } from "./validation/jsonl/line-problem";
export {
  type BatchInputReport,
  type BatchInputSource,
  type ValidateBatchInputOptions,
  validateBatchInput,
} from "./validation/jsonl/validate";
