import type { Described, Exactly, NamesWithOnChange, TypeDescription } from "./describe";

/**
 * The contract between the two sides of the Batch resource: the program side (the `Batch` class,
 * which runs inside the user's Pulumi program) and the engine side (the provider implementation,
 * which runs inside Pulumi's dynamic-provider host). Both import this module and nothing else of
 * each other, so every property name and every shape that crosses the wire is declared here.
 *
 * Every property is also described at run time (type, description, default, what a change does),
 * for the plugin's package schema and so for every other language. The `*_DESCRIPTIONS` objects
 * below are checked against the interfaces when this compiles (see `describe.ts`): a property
 * added to an interface must be described, in its own type, before anything builds.
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

/** A batch of a `BatchSet`: the set's URN and totals, and the batch's wave. */
export interface SetMember {
  /** The set's URN: the set's progress lines are written under it. */
  setUrn: string;
  /** The batch's wave, from 0. */
  wave: number;
  /** How many waves, batches and requests the whole set has. */
  waves: number;
  batches: number;
  requests: number;
}

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
  /**
   * Set by a `BatchSet` on each of its batches: where the batch stands in the set, so that the
   * batch reports its progress on the set's row rather than its own. Never compared by `diff`.
   */
  setMember?: SetMember;
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

/** Inputs that change in place, never replacing the batch (a wait or a results restore may call the API). */
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

/** Inputs that `check` computes; they reach the state and are outputs, never set by the user. */
export const COMPUTED_INPUT_NAMES = [
  "inputSha256",
  "requestCount",
  "createToken",
  "estimate",
] as const satisfies readonly (keyof BatchInputs)[];

/** Inputs that only the resource class sets, or that Pulumi adds; described nowhere else. */
export const INTERNAL_INPUT_NAMES = [
  "resourceKey",
  "setMember",
  "__provider",
] as const satisfies readonly (keyof BatchInputs)[];

type UserInputName = (typeof USER_INPUT_NAMES)[number];

// Every input is either the user's, computed by `check`, or internal.
const inputsAreSorted: Exactly<
  keyof BatchInputs,
  UserInputName | (typeof COMPUTED_INPUT_NAMES)[number] | (typeof INTERNAL_INPUT_NAMES)[number]
> = true;
void inputsAreSorted;

const REQUEST_LINE_DESCRIPTION = {
  type: "object",
  name: "BatchRequestLine",
  description: "One line of a batch input file.",
  properties: {
    custom_id: { type: "string", required: true, description: "Unique in the batch; results carry it." },
    method: { type: "string", required: true, allowed: ["POST"], description: "Always `POST`." },
    url: { type: "string", required: true, description: "The endpoint; equal to the batch's `endpoint`." },
    body: { type: "map", values: { type: "any" }, required: true, description: "The request body." },
  },
} as const satisfies TypeDescription<BatchRequestLine>;

/** What the user can set on a Batch, described for other languages, in the README's order. */
export const USER_INPUT_DESCRIPTIONS = {
  endpoint: {
    type: "string",
    required: true,
    allowed: BATCH_ENDPOINTS,
    onChange: "replace",
    description: "The endpoint every request line calls.",
  },
  requests: {
    type: "array",
    items: REQUEST_LINE_DESCRIPTION,
    onChange: "replaceOnContentChange",
    description:
      "Request lines given inline; uploaded as JSONL. Give exactly one of `requests`, `inputFile` and `inputFileId`. A change of content replaces the batch.",
  },
  inputFile: {
    type: "string",
    onChange: "replaceOnContentChange",
    description:
      "Path of a local `.jsonl` file, relative to the Pulumi project. A change of its bytes replaces the batch; a new path with the same bytes updates in place.",
  },
  inputFileId: {
    type: "string",
    onChange: "replace",
    description: "Id of a file already uploaded with purpose `batch`.",
  },
  completionWindow: {
    type: "string",
    allowed: COMPLETION_WINDOWS,
    default: DEFAULTS.completionWindow,
    onChange: "replace",
    description: "The time frame within which the batch should be processed.",
  },
  metadata: {
    type: "map",
    values: { type: "string" },
    onChange: "replace",
    description: `Up to ${MAX_USER_METADATA_KEYS} string pairs (key at most ${LIMITS.maxMetadataKeyLength}, value at most ${LIMITS.maxMetadataValueLength} characters). The API cannot update a batch, so a change replaces it.`,
  },
  outputExpiresAfter: {
    type: "object",
    name: "OutputExpiresAfter",
    description: "When the output and error files expire.",
    onChange: "replace",
    properties: {
      anchor: {
        type: "string",
        required: true,
        allowed: ["created_at"],
        description: "Always `created_at`.",
      },
      seconds: {
        type: "integer",
        required: true,
        description: `Seconds after the anchor, from ${LIMITS.minOutputExpirySeconds} to ${LIMITS.maxOutputExpirySeconds}.`,
      },
    },
  },
  waitForCompletion: {
    type: "boolean",
    default: DEFAULTS.waitForCompletion,
    onChange: "update",
    description: "Wait in `pulumi up` until the batch finishes.",
  },
  waitTimeoutSeconds: {
    type: "number",
    default: DEFAULTS.waitTimeoutSeconds,
    onChange: "update",
    description: "How long one `pulumi up` waits, in seconds.",
  },
  pollIntervalSeconds: {
    type: "number",
    default: DEFAULTS.pollIntervalSeconds,
    onChange: "update",
    description: "The longest gap between polls, in seconds (polling starts at 1 s and backs off).",
  },
  cancelOnDelete: {
    type: "boolean",
    default: DEFAULTS.cancelOnDelete,
    onChange: "update",
    description: "Cancel the batch when the resource is deleted or replaced, if it still runs.",
  },
  deleteInputFileOnDelete: {
    type: "boolean",
    default: DEFAULTS.deleteInputFileOnDelete,
    onChange: "update",
    description: "Delete the input file on delete, only ever when this resource uploaded it.",
  },
  maxCostUsd: {
    type: "number",
    onChange: "update",
    description:
      "The most the batch may cost, in US dollars: preview fails when the estimate's upper bound is over it, or cannot be known.",
  },
  assumedOutputTokensPerRequest: {
    type: "integer",
    onChange: "update",
    description:
      "Output tokens assumed for each request that sets no output limit, so that the cost is bounded.",
  },
  prices: {
    type: "map",
    values: {
      type: "object",
      name: "TokenPrice",
      description: "Prices of one model, in US dollars per million tokens at batch rates.",
      properties: {
        input: { type: "number", required: true, description: "Input tokens." },
        cachedInput: {
          type: "number",
          description: "Input tokens served from the prompt cache; the input rate when absent.",
        },
        output: { type: "number", required: true, description: "Output tokens." },
      },
    },
    onChange: "update",
    description: "Prices by model, over the price table shipped with the package.",
  },
  maxFailedRatio: {
    type: "number",
    onChange: "update",
    description:
      "The largest share (0..1) of a finished batch's requests that may be unsuccessful before `pulumi up` fails; absent, it fails only when no request succeeded.",
  },
  resultsPath: {
    type: "string",
    onChange: "update",
    description:
      "Local path, relative to the project, where the joined results are written as JSONL once the batch has finished, and written again when missing or changed.",
  },
  retryFailedRequests: {
    type: "integer",
    default: DEFAULTS.retryFailedRequests,
    onChange: "update",
    description:
      "How many follow-up batches (a whole number from 0 to 10) may resubmit the requests that failed for a retryable reason (429, 5xx, batch_expired).",
  },
} satisfies Described<Pick<BatchInputs, UserInputName>>;

// The inputs that update in place are exactly IN_PLACE_INPUT_NAMES.
const inPlaceNamesMatch: Exactly<
  NamesWithOnChange<typeof USER_INPUT_DESCRIPTIONS, "update">,
  (typeof IN_PLACE_INPUT_NAMES)[number]
> = true;
void inPlaceNamesMatch;

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
  /** Its own token usage, as the API reports it. */
  usage?: BatchUsage;
  /** What it cost in US dollars, from its usage; absent without usage or a price. */
  costUsd?: number;
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
const liveNamesAreComplete: Exactly<(typeof LIVE_OUTPUT_NAMES)[number], keyof BatchLiveOutputs> = true;
void liveNamesAreComplete;

const BATCH_STATUSES = [
  "validating",
  "failed",
  "in_progress",
  "finalizing",
  "completed",
  "expired",
  "cancelling",
  "cancelled",
] as const satisfies readonly BatchStatus[];

const REQUEST_COUNTS_DESCRIPTION = {
  type: "object",
  name: "RequestCounts",
  description: "How many requests the batch holds, and how many completed and failed.",
  properties: {
    total: { type: "integer", required: true, description: "All requests." },
    completed: { type: "integer", required: true, description: "Requests that completed." },
    failed: { type: "integer", required: true, description: "Requests that failed." },
  },
} as const satisfies TypeDescription<RequestCounts>;

const unixSeconds = (what: string) =>
  ({ type: "integer", description: `When the batch ${what}, in unix seconds.` }) as const;

/** Token usage, described for other languages. */
const USAGE_DESCRIPTION = {
  type: "object",
  name: "BatchUsage",
  description: "Token usage (only for batches created after September 2025).",
  properties: {
    input_tokens: { type: "integer", required: true, description: "Input tokens." },
    output_tokens: { type: "integer", required: true, description: "Output tokens." },
    total_tokens: { type: "integer", required: true, description: "Input and output tokens." },
    input_tokens_details: {
      type: "object",
      name: "BatchUsageInputTokensDetails",
      description: "A breakdown of the input tokens.",
      properties: {
        cached_tokens: {
          type: "integer",
          required: true,
          description: "Input tokens read from the cache.",
        },
      },
    },
    output_tokens_details: {
      type: "object",
      name: "BatchUsageOutputTokensDetails",
      description: "A breakdown of the output tokens.",
      properties: {
        reasoning_tokens: {
          type: "integer",
          required: true,
          description: "Output tokens spent reasoning.",
        },
      },
    },
  },
} as const;

/** What the API says about a batch, described for other languages, in the README's order. */
export const LIVE_OUTPUT_DESCRIPTIONS = {
  status: {
    type: "string",
    allowed: BATCH_STATUSES,
    description: "The batch's status, as the API last reported it.",
  },
  inputFileId: {
    type: "string",
    description: "The input file (uploaded by this resource, or the one given).",
  },
  outputFileId: { type: "string", description: "The file of results, once the batch has one." },
  errorFileId: { type: "string", description: "The file of failed lines, once the batch has one." },
  requestCounts: REQUEST_COUNTS_DESCRIPTION,
  errors: {
    type: "array",
    items: {
      type: "object",
      name: "BatchError",
      description: "A reason the API rejected the batch's input.",
      properties: {
        code: { type: "string", description: "The error code." },
        message: { type: "string", description: "What is wrong." },
        line: { type: "integer", description: "The line of the input file, when one is at fault." },
        param: { type: "string", description: "The parameter at fault, when one is." },
      },
    },
    description: "Why the API rejected the input, when it did.",
  },
  createdAt: unixSeconds("was created"),
  inProgressAt: unixSeconds("started running"),
  finalizingAt: unixSeconds("started finalizing"),
  completedAt: unixSeconds("completed"),
  failedAt: unixSeconds("failed"),
  expiredAt: unixSeconds("expired"),
  expiresAt: unixSeconds("expires"),
  cancellingAt: unixSeconds("started cancelling"),
  cancelledAt: unixSeconds("was cancelled"),
  model: { type: "string", description: "The model the batch ran." },
  usage: {
    ...USAGE_DESCRIPTION,
    description:
      "Token usage over every attempt (the first batch and its follow-ups); only for batches created after September 2025.",
  },
} satisfies Described<BatchLiveOutputs>;

type ProviderOutputName = (typeof PROVIDER_OUTPUT_NAMES)[number];

/**
 * The outputs written to state: the inputs (so that `diff` can compare against them), what the
 * API says, and what the provider did. Plain JSON only: no `undefined`, no `Date`.
 */
export interface BatchOutputs extends BatchInputs, BatchLiveOutputs {
  stateVersion: number;
  /** True when this resource uploaded `inputFileId` itself, and so may delete it. */
  uploadedInputFile: boolean;
  /**
   * What the batch cost in US dollars, from `usage` at the prices of the estimate, over every
   * attempt once follow-ups exist; absent without usage or a price.
   */
  costUsd?: number;
  /** Counts of the joined results, once the batch has finished. */
  resultsSummary?: ResultsSummary;
  /** Hex sha256 of the file written at `resultsPath`. */
  resultsSha256?: string;
  /** Every batch run for this resource, the first included, once it has finished. */
  attempts?: BatchAttempt[];
}

/** Outputs only the provider reads (the shape of the state). */
export const INTERNAL_OUTPUT_NAMES = ["stateVersion"] as const satisfies readonly (keyof BatchOutputs)[];

// Every output is an input, a live output, a provider output or internal.
const outputsAreSorted: Exactly<
  keyof BatchOutputs,
  keyof BatchInputs | keyof BatchLiveOutputs | ProviderOutputName | (typeof INTERNAL_OUTPUT_NAMES)[number]
> = true;
void outputsAreSorted;

/** What the provider did or computed, described for other languages. */
export const PROVIDER_OUTPUT_DESCRIPTIONS = {
  inputSha256: { type: "string", description: "Hex sha256 of the exact bytes uploaded." },
  requestCount: { type: "integer", description: "How many request lines were uploaded." },
  uploadedInputFile: {
    type: "boolean",
    required: true,
    description: "True when this resource uploaded the input file (and so may delete it).",
  },
  estimate: {
    type: "object",
    name: "CostEstimate",
    description:
      "The cost estimate, known at preview: tokens counted from the requests, priced at batch rates.",
    properties: {
      model: { type: "string", description: "The model of the requests." },
      requests: { type: "integer", required: true, description: "How many requests." },
      inputTokens: { type: "integer", description: "Input tokens of all requests." },
      maxOutputTokens: {
        type: "integer",
        description: "The most output tokens; absent when a request sets no output limit.",
      },
      inputCostUsd: { type: "number", description: "The input's cost in US dollars." },
      maxCostUsd: { type: "number", description: "The most the batch can cost in US dollars." },
      priceAsOf: { type: "string", description: "The date of the price table used." },
    },
  },
  costUsd: {
    type: "number",
    description:
      "What the batch cost in US dollars, from its usage, over every attempt (the first batch and its follow-ups); absent without usage or a price.",
  },
  resultsSummary: {
    type: "object",
    name: "ResultsSummary",
    description: "Counts of the joined results by status and error code, once the batch has finished.",
    properties: {
      succeeded: { type: "integer", required: true, description: "Requests that succeeded." },
      failed: { type: "integer", required: true, description: "Requests that failed." },
      expired: { type: "integer", required: true, description: "Requests that expired unrun." },
      cancelled: { type: "integer", required: true, description: "Requests cancelled unrun." },
      missing: {
        type: "integer",
        required: true,
        description: "Requests in neither the output nor the error file.",
      },
      errorCodes: {
        type: "map",
        values: { type: "integer" },
        required: true,
        description: "How many unsuccessful requests had each error code.",
      },
    },
  },
  resultsSha256: { type: "string", description: "Hex sha256 of the file written at `resultsPath`." },
  attempts: {
    type: "array",
    items: {
      type: "object",
      name: "BatchAttempt",
      description: "One batch run for the resource: the first, then each follow-up.",
      properties: {
        batchId: { type: "string", required: true, description: "The batch's id." },
        status: {
          type: "string",
          required: true,
          allowed: BATCH_STATUSES,
          description: "Its last status.",
        },
        inputFileId: { type: "string", required: true, description: "Its input file." },
        outputFileId: { type: "string", description: "Its output file." },
        errorFileId: { type: "string", description: "Its error file." },
        requestCounts: REQUEST_COUNTS_DESCRIPTION,
        usage: { ...USAGE_DESCRIPTION, description: "Its own token usage." },
        costUsd: {
          type: "number",
          description: "What it cost in US dollars, from its usage; absent without usage or a price.",
        },
      },
    },
    description: "Every batch run for this resource (the first, then follow-ups), once it has finished.",
  },
} satisfies Described<Pick<BatchOutputs, ProviderOutputName>>;

/** The property that holds the serialized provider; the host adds it and `diff` ignores it. */
export const PROVIDER_PROPERTY = "__provider";

/** The type of the resource that joins a `BatchSet`'s results: `pulumi-nodejs:dynamic/openai:BatchSetResults`. */
export const SET_RESULTS_TYPE = "BatchSetResults";

/** One shard's results as the set's results resource reads them: a child `Batch`'s outputs. */
export interface SetResultsShard {
  /** The child batch's id. */
  batchId: string;
  /** The child's results file, relative to the project. */
  resultsPath: string;
  /** Hex sha256 of the child's results file; undefined until the child has finished. */
  resultsSha256?: string;
  /** Added to each record's `line`: the input line before the shard's first request. */
  lineOffset: number;
  /** The child's input, its shard file, as the child names it (absent in states written before it). */
  inputFile?: string;
}

/** The inputs of a `BatchSet`'s results resource. */
export interface SetResultsInputs {
  /** The set's name, for messages. */
  setName: string;
  /**
   * The set's `inputFile` as its children name their files (relative to the project, or absolute),
   * so that `resultsPath` is never the input; absent for inline requests and in older states.
   */
  inputFile?: string;
  /** Where the set's joined results go, relative to the project; none when only the policy is wanted. */
  resultsPath?: string;
  /** As on `Batch`, over the whole set. */
  maxFailedRatio?: number;
  /** The children's results, in shard order. */
  shards: SetResultsShard[];
}

/** The outputs of a `BatchSet`'s results resource. */
export interface SetResultsOutputs extends SetResultsInputs {
  /** Counts over the whole set, once every child has finished. */
  resultsSummary?: ResultsSummary;
  /** Hex sha256 of the file written at `resultsPath`. */
  resultsSha256?: string;
}

/** One inline request line of a `BatchSet`: `method` and `url` are filled in when left out. */
export interface BatchSetRequestLineInputs {
  custom_id: string;
  method?: string;
  url?: string;
  body: Record<string, unknown>;
}

/**
 * The arguments of a `BatchSet` as plain values: what the TypeScript class takes (each may be a
 * `pulumi.Input` there, except those the split reads), and what the plugin's component takes.
 */
export interface BatchSetInputs {
  endpoint: BatchEndpoint;
  inputFile?: string;
  requests?: BatchSetRequestLineInputs[];
  maxRequestsPerBatch?: number;
  maxBytesPerBatch?: number;
  maxEnqueuedTokens?: number;
  shardCacheDir?: string;
  completionWindow?: CompletionWindow;
  metadata?: Record<string, string>;
  outputExpiresAfter?: OutputExpiresAfter;
  waitForCompletion?: boolean;
  waitTimeoutSeconds?: number;
  pollIntervalSeconds?: number;
  resultsPath?: string;
  maxFailedRatio?: number;
  retryFailedRequests?: number;
  cancelOnDelete?: boolean;
  deleteInputFileOnDelete?: boolean;
}

/** The outputs of a `BatchSet`. */
export interface BatchSetOutputs {
  batchIds: string[];
  shardCount: number;
  waveCount: number;
  status?: BatchStatus;
  requestCounts?: RequestCounts;
  resultsSummary?: ResultsSummary;
  resultsSha256?: string;
}

/** Drops what a `Batch`'s description says about replacing: a set's inputs are read when the program runs. */
function forSet<D extends { onChange?: unknown }>(description: D): Omit<D, "onChange"> {
  const { onChange: _onChange, ...rest } = description;
  return rest;
}

/** A `BatchSet`'s arguments, described for other languages, in the order of the README's table. */
export const SET_INPUT_DESCRIPTIONS = {
  endpoint: {
    ...forSet(USER_INPUT_DESCRIPTIONS.endpoint),
    description: "The endpoint every request line calls. Changing it replaces every batch.",
  },
  inputFile: {
    type: "string",
    description:
      "Path of a local `.jsonl` file of any size, relative to the Pulumi project. Give exactly one of `inputFile` and `requests`.",
  },
  requests: {
    type: "array",
    items: {
      type: "object",
      name: "BatchSetRequestLine",
      description: "One request line of a set; `method` and `url` are filled in when left out.",
      properties: {
        custom_id: {
          type: "string",
          required: true,
          description: "Unique in the whole set; results carry it.",
        },
        method: { type: "string", description: "`POST`, the default." },
        url: {
          type: "string",
          description: "The endpoint; the default is the set's `endpoint`, and it must be equal to it.",
        },
        body: { type: "map", values: { type: "any" }, required: true, description: "The request body." },
      },
    },
    description: "Request lines given inline. Give exactly one of `inputFile` and `requests`.",
  },
  maxRequestsPerBatch: {
    type: "integer",
    default: LIMITS.maxLines,
    description: `Most requests in one batch; at most ${LIMITS.maxLines}.`,
  },
  maxBytesPerBatch: {
    type: "integer",
    default: LIMITS.maxFileBytes,
    description: `Most bytes in one batch; at most ${LIMITS.maxFileBytes} (200 MB).`,
  },
  maxEnqueuedTokens: {
    type: "integer",
    description:
      "The organization's enqueued-token limit for the model: each shard's estimated input tokens stay within it, and the shards run in waves that fit it, all in one `pulumi up`.",
  },
  shardCacheDir: {
    type: "string",
    default: ".pulumi-openai-batch/shards",
    description: "Folder of the shard files, relative to the Pulumi project.",
  },
  completionWindow: forSet(USER_INPUT_DESCRIPTIONS.completionWindow),
  metadata: {
    ...forSet(USER_INPUT_DESCRIPTIONS.metadata),
    description: `Given to every batch: up to ${MAX_USER_METADATA_KEYS} string pairs. A change replaces every batch.`,
  },
  outputExpiresAfter: {
    ...forSet(USER_INPUT_DESCRIPTIONS.outputExpiresAfter),
    description: "When the output and error files expire. A change replaces every batch.",
  },
  waitForCompletion: {
    ...forSet(USER_INPUT_DESCRIPTIONS.waitForCompletion),
    description: "Wait in `pulumi up` until every batch finishes (waves other than the last always wait).",
  },
  waitTimeoutSeconds: {
    ...forSet(USER_INPUT_DESCRIPTIONS.waitTimeoutSeconds),
    description: "How long one `pulumi up` waits for each batch, in seconds.",
  },
  pollIntervalSeconds: forSet(USER_INPUT_DESCRIPTIONS.pollIntervalSeconds),
  resultsPath: {
    type: "string",
    description:
      "Local path, relative to the Pulumi project, where the joined results of the whole set are written as JSONL in input order, once every batch has finished; written again when missing or changed.",
  },
  maxFailedRatio: {
    type: "number",
    description:
      "The largest share (0..1) of the set's requests that may be unsuccessful before `pulumi up` fails; absent, it fails only when no request of the set succeeded. Judged over the whole set.",
  },
  // No default: given at all (even 0), it makes the set read its results and judge them as a whole.
  retryFailedRequests: {
    type: "integer",
    description:
      "How many follow-up batches (a whole number from 0 to 10) each batch of the set may run to resubmit its requests that failed for a retryable reason (default 0); when given, even as 0, the results are judged over the whole set.",
  },
  cancelOnDelete: {
    ...forSet(USER_INPUT_DESCRIPTIONS.cancelOnDelete),
    description: "Cancel the running batches when the set is deleted or a batch is replaced.",
  },
  deleteInputFileOnDelete: {
    ...forSet(USER_INPUT_DESCRIPTIONS.deleteInputFileOnDelete),
    description: "Delete the uploaded input files on delete.",
  },
} satisfies Described<BatchSetInputs>;

/** A `BatchSet`'s outputs, described for other languages. */
export const SET_OUTPUT_DESCRIPTIONS = {
  batchIds: {
    type: "array",
    items: { type: "string" },
    required: true,
    description: "The ids of the child batches, in shard order.",
  },
  shardCount: {
    type: "integer",
    required: true,
    description: "How many shards (and so batches) the requests were split into.",
  },
  waveCount: {
    type: "integer",
    required: true,
    description: "How many waves the shards run in (1 without `maxEnqueuedTokens`).",
  },
  status: {
    ...LIVE_OUTPUT_DESCRIPTIONS.status,
    description: "The least advanced status of the batches; absent while any is unknown.",
  },
  requestCounts: REQUEST_COUNTS_DESCRIPTION,
  resultsSummary: {
    ...PROVIDER_OUTPUT_DESCRIPTIONS.resultsSummary,
    description:
      "Counts of the set's results by status and error code, summed over the batches, once every batch has finished and its results were read.",
  },
  resultsSha256: PROVIDER_OUTPUT_DESCRIPTIONS.resultsSha256,
} satisfies Described<BatchSetOutputs>;
