/**
 * The contract between the two sides of the Batch resource: the program side (the `Batch` class,
 * which runs inside the user's Pulumi program) and the engine side (the provider implementation,
 * which runs inside Pulumi's dynamic-provider host). Both import this module and nothing else of
 * each other, so every property name and every shape that crosses the wire is declared here.
 */

/** The Pulumi type token of the resource: module `openai`, type `Batch`. */
export const BATCH_MODULE = "openai";
export const BATCH_TYPE = "Batch";
export const BATCH_TYPE_TOKEN = `pulumi-nodejs:dynamic/${BATCH_MODULE}:${BATCH_TYPE}`;

/**
 * The version of the outputs this release writes. Every release must still read every older
 * version, because `pulumi destroy` runs with whatever version is installed.
 */
export const STATE_VERSION = 1;

/** The endpoints the Batch API accepts, as listed in the OpenAI OpenAPI spec. */
export const BATCH_ENDPOINTS = [
  "/v1/responses",
  "/v1/chat/completions",
  "/v1/embeddings",
  "/v1/completions",
  "/v1/moderations",
  "/v1/images/generations",
  "/v1/images/edits",
  "/v1/videos",
] as const;
export type BatchEndpoint = (typeof BATCH_ENDPOINTS)[number];

export const COMPLETION_WINDOWS = ["24h"] as const;
export type CompletionWindow = (typeof COMPLETION_WINDOWS)[number];

/** Limits of the Batch API that the provider checks before anything is sent. */
export const LIMITS = {
  maxLines: 50_000,
  maxFileBytes: 200 * 1024 * 1024,
  maxEmbeddingInputs: 50_000,
  maxMetadataKeys: 16,
  maxMetadataKeyLength: 64,
  maxMetadataValueLength: 512,
  minOutputExpirySeconds: 3_600,
  maxOutputExpirySeconds: 2_592_000,
} as const;

/**
 * The metadata key that carries the create token. It is how a retried create finds the batch an
 * earlier attempt made instead of making a second one, so one of the 16 metadata keys is taken.
 */
export const CREATE_TOKEN_METADATA_KEY = "pulumi_openai_batch_token";
export const MAX_USER_METADATA_KEYS = LIMITS.maxMetadataKeys - 1;

/** One line of a batch input file. */
export interface BatchRequestLine {
  custom_id: string;
  method: "POST";
  url: string;
  body: Record<string, unknown>;
}

export interface OutputExpiresAfter {
  anchor: "created_at";
  seconds: number;
}

/** A price in US dollars per million tokens, at the Batch API's rates. */
export interface TokenPrice {
  input: number;
  /** Input served from the prompt cache; the input rate when absent. */
  cachedInput?: number;
  output: number;
}

/**
 * What a batch will cost, computed by `check` from its requests (never for `inputFileId`, whose
 * content is not read). A field is absent where the figure is unknown.
 */
export interface BatchCostEstimate {
  model?: string;
  requests: number;
  /** Input tokens of all requests; absent when the endpoint's tokens are not counted. */
  inputTokens?: number;
  /** The most output tokens; absent when a request sets no output limit. */
  maxOutputTokens?: number;
  /** The input's cost in US dollars, without prompt-cache discount; absent without a price. */
  inputCostUsd?: number;
  /** The most the batch can cost in US dollars; absent when output is unbounded or without a price. */
  maxCostUsd?: number;
  /** The date of the price table used, or "prices argument"; absent without a price. */
  priceAsOf?: string;
}

/** Defaults applied by `check`. */
export const DEFAULTS = {
  completionWindow: "24h" as CompletionWindow,
  waitForCompletion: false,
  waitTimeoutSeconds: 86_400,
  pollIntervalSeconds: 30,
  cancelOnDelete: true,
  deleteInputFileOnDelete: true,
  retryFailedRequests: 0,
} as const;

/**
 * The inputs as the provider receives them: plain values, after Pulumi has resolved every
 * `pulumi.Input`. During preview any of them may still be Pulumi's unknown sentinel.
 */
export interface BatchInputs {
  endpoint: BatchEndpoint;
  requests?: BatchRequestLine[];
  inputFile?: string;
  inputFileId?: string;
  completionWindow?: CompletionWindow;
  metadata?: Record<string, string>;
  outputExpiresAfter?: OutputExpiresAfter;
  waitForCompletion?: boolean;
  waitTimeoutSeconds?: number;
  pollIntervalSeconds?: number;
  cancelOnDelete?: boolean;
  deleteInputFileOnDelete?: boolean;
  /** The most the batch may cost, in US dollars; `check` fails when the estimate's upper bound is over it. */
  maxCostUsd?: number;
  /** Output tokens assumed for each request that sets no output limit. */
  assumedOutputTokensPerRequest?: number;
  /** Prices by model, in US dollars per million tokens at batch rates, over the shipped table. */
  prices?: Record<string, TokenPrice>;
  /** Computed by `check`: the cost estimate of the requests. */
  estimate?: BatchCostEstimate;
  /**
   * The largest unsuccessful share (0..1) of a finished batch's requests that `pulumi up` lets
   * pass. Absent: fail only when no request succeeded.
   */
  maxFailedRatio?: number;
  /** Local path, relative to the project, where the joined results are written as JSONL. */
  resultsPath?: string;
  /** How many follow-up batches may resubmit the requests that failed for a retryable reason. */
  retryFailedRequests?: number;
  /** Set by the `Batch` class: `<project>/<stack>/<name>` (and the parent's URN), so that a retried create finds its batch. */
  resourceKey?: string;
  /** Computed by `check`: sha256 of the exact bytes that will be uploaded (`requests` or `inputFile`). */
  inputSha256?: string;
  /** Computed by `check`: the number of request lines that will be uploaded. */
  requestCount?: number;
  /** Computed by `check`: the token written to the batch's metadata. */
  createToken?: string;
  /** The serialized provider, added by Pulumi. Every output carries it back. */
  __provider?: string;
}

/** The names of the inputs the user sets, in the order the README lists them. */
export const USER_INPUT_NAMES = [
  "endpoint",
  "requests",
  "inputFile",
  "inputFileId",
  "completionWindow",
  "metadata",
  "outputExpiresAfter",
  "waitForCompletion",
  "waitTimeoutSeconds",
  "pollIntervalSeconds",
  "cancelOnDelete",
  "deleteInputFileOnDelete",
  "maxCostUsd",
  "assumedOutputTokensPerRequest",
  "prices",
  "maxFailedRatio",
  "resultsPath",
  "retryFailedRequests",
] as const satisfies readonly (keyof BatchInputs)[];

/** Inputs that only steer the provider: changing one updates in place and calls no API. */
export const IN_PLACE_INPUT_NAMES = [
  "waitForCompletion",
  "waitTimeoutSeconds",
  "pollIntervalSeconds",
  "cancelOnDelete",
  "deleteInputFileOnDelete",
  "maxCostUsd",
  "assumedOutputTokensPerRequest",
  "prices",
  "maxFailedRatio",
  "resultsPath",
  "retryFailedRequests",
] as const satisfies readonly (keyof BatchInputs)[];

export type BatchStatus =
  | "validating"
  | "failed"
  | "in_progress"
  | "finalizing"
  | "completed"
  | "expired"
  | "cancelling"
  | "cancelled";

export interface RequestCounts {
  total: number;
  completed: number;
  failed: number;
}

export interface BatchErrorEntry {
  code?: string;
  message?: string;
  line?: number;
  param?: string;
}

/** Token usage of a batch, as the API reports it (only for batches created after September 2025). */
export interface BatchUsage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  input_tokens_details?: { cached_tokens: number };
  output_tokens_details?: { reasoning_tokens: number };
}

/** The outputs that say what the API reports about the batch, in the order the README lists them. */
export const LIVE_OUTPUT_NAMES = [
  "status",
  "inputFileId",
  "outputFileId",
  "errorFileId",
  "requestCounts",
  "errors",
  "createdAt",
  "inProgressAt",
  "finalizingAt",
  "completedAt",
  "failedAt",
  "expiredAt",
  "expiresAt",
  "cancellingAt",
  "cancelledAt",
  "model",
  "usage",
] as const;

/** The outputs that say what the provider did or computed. */
export const PROVIDER_OUTPUT_NAMES = [
  "inputSha256",
  "requestCount",
  "uploadedInputFile",
  "estimate",
  "costUsd",
  "resultsSummary",
  "resultsSha256",
  "attempts",
] as const;

/** The outputs about a finished batch's results; older states lack them. */
export const RESULTS_OUTPUT_NAMES = ["resultsSummary", "resultsSha256", "attempts"] as const;

/** What became of a finished batch's requests, counted over the joined results. */
export interface ResultsSummary {
  succeeded: number;
  failed: number;
  expired: number;
  cancelled: number;
  missing: number;
  /** How many unsuccessful requests had each error code. */
  errorCodes: Record<string, number>;
}

/** One batch run for the resource: the first, then each follow-up of `retryFailedRequests`. */
export interface BatchAttempt {
  batchId: string;
  status: BatchStatus;
  inputFileId: string;
  outputFileId?: string;
  errorFileId?: string;
  requestCounts?: RequestCounts;
}

/** What the API says about the batch. Every field is absent until the API reports it. */
export interface BatchLiveOutputs {
  status?: BatchStatus;
  inputFileId?: string;
  outputFileId?: string;
  errorFileId?: string;
  requestCounts?: RequestCounts;
  errors?: BatchErrorEntry[];
  createdAt?: number;
  inProgressAt?: number;
  finalizingAt?: number;
  completedAt?: number;
  failedAt?: number;
  expiredAt?: number;
  expiresAt?: number;
  cancellingAt?: number;
  cancelledAt?: number;
  model?: string;
  usage?: BatchUsage;
}

// Keeps LIVE_OUTPUT_NAMES and BatchLiveOutputs in step.
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const liveNamesAreComplete: Exactly<(typeof LIVE_OUTPUT_NAMES)[number], keyof BatchLiveOutputs> = true;
void liveNamesAreComplete;

/**
 * The outputs written to state: the inputs (so that `diff` can compare against them), what the
 * API says, and what the provider did. Plain JSON only: no `undefined`, no `Date`.
 */
export interface BatchOutputs extends BatchInputs, BatchLiveOutputs {
  stateVersion: number;
  /** True when this resource uploaded `inputFileId` itself, and so may delete it. */
  uploadedInputFile: boolean;
  /** What the batch cost in US dollars, from `usage` at the prices of the estimate; absent without usage or a price. */
  costUsd?: number;
  /** Counts of the joined results, once the batch has finished. */
  resultsSummary?: ResultsSummary;
  /** Hex sha256 of the file written at `resultsPath`. */
  resultsSha256?: string;
  /** Every batch run for this resource, the first included, once it has finished. */
  attempts?: BatchAttempt[];
}

/** The property that holds the serialized provider; the host adds it and `diff` ignores it. */
export const PROVIDER_PROPERTY = "__provider";
