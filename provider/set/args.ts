import type * as pulumi from "@pulumi/pulumi";
import { type BackendProfile, endpointNames, OPENAI_PROFILE } from "../backends";
import type { CompletionWindow, OutputExpiresAfter } from "../contract";
import type { InputProblem } from "../errors";
import type { BatchEndpointArg } from "../resource/batch";
import { checkResultsArguments } from "../results/check-arguments";
import { describeValue, notANumber } from "../validation/describe-value";

/**
 * One inline request line of a `BatchSet`: only `custom_id` and `body` are needed, as in a
 * `Batch`; `method` defaults to `"POST"` and `url` to the set's `endpoint`. Plain values, since the
 * split reads them while the program runs.
 */
export interface BatchSetRequestLine {
  /** Unique within the whole set; the results carry it back. */
  custom_id: string;
  /** `"POST"`, the default. */
  method?: string;
  /** The endpoint this line calls; the default is the set's `endpoint`, and it must be equal to it. */
  url?: string;
  /**
   * The request body, as the endpoint takes it (for example `{ model, messages }`): plain values,
   * not outputs of other resources.
   */
  body: Record<string, unknown>;
}

/**
 * The arguments of a `BatchSet`. The ones that decide the shards (`endpoint`, the input and the
 * bounds) are plain values, because the split runs while the program runs; the others may be
 * outputs of other resources and are passed to every child `Batch` as they are.
 */
export interface BatchSetArgs {
  /**
   * The endpoint every request line calls: one of `BATCH_ENDPOINTS`, or a plain string checked when
   * the program runs. Changing it replaces every batch.
   */
  endpoint: BatchEndpointArg;
  /** Path of a local `.jsonl` file of any size, relative to the Pulumi project. Give this or `requests`. */
  inputFile?: string;
  /**
   * Request lines given inline, `{ custom_id, body }` at least; written to the shards with
   * `method` and `url` filled in. Give this or `inputFile`.
   */
  requests?: readonly BatchSetRequestLine[];
  /** Most requests in one batch; default and most the backend's limit (OpenAI: 50,000; Azure: 100,000). */
  maxRequestsPerBatch?: number;
  /** Most bytes in one batch; default and most the backend's limit (OpenAI and Azure: 200 MB, 209,715,200 bytes). */
  maxBytesPerBatch?: number;
  /**
   * The organization's enqueued-token limit for the model. Each shard's estimated input tokens
   * stay within it, and shards run in waves whose estimated tokens fit it: each wave starts when
   * the wave before has completed, all in one `pulumi up`.
   */
  maxEnqueuedTokens?: number;
  /** Folder of the shard files, relative to the Pulumi project; default `.pulumi-openai-batch/shards`. */
  shardCacheDir?: string;
  /** Only `"24h"` for now (the default). */
  completionWindow?: pulumi.Input<CompletionWindow>;
  /** Given to every batch (up to 15 string pairs). A change replaces every batch. */
  metadata?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** When the output and error files expire. A change replaces every batch. */
  outputExpiresAfter?: pulumi.Input<OutputExpiresAfter>;
  /** Wait in `pulumi up` until every batch finishes. Default false (waves other than the last always wait). */
  waitForCompletion?: pulumi.Input<boolean>;
  /** How long one `pulumi up` waits for each batch, in seconds. Default 86400. */
  waitTimeoutSeconds?: pulumi.Input<number>;
  /** The longest gap between polls, in seconds. Default 30. */
  pollIntervalSeconds?: pulumi.Input<number>;
  /**
   * Local path, relative to the Pulumi project, where the joined results of the whole set are
   * written as JSONL, in input order (atomically), once every batch has finished; written again by
   * any later `up` that finds the file missing or changed, without a new batch. Each batch first
   * writes its own results under the shard cache folder
   * (`results/<stack>/<set>-<hash of the set's URN>/`).
   */
  resultsPath?: pulumi.Input<string>;
  /**
   * The largest share (0..1) of the set's requests that may be unsuccessful before `pulumi up`
   * fails; the batches stay in the state. Default: fail only when no request of the set succeeded;
   * `0` fails on any failure. Applies to the set as a whole, never to one batch alone, whenever
   * the set reads its results (with `resultsPath`, `maxFailedRatio` or `retryFailedRequests`).
   * Without any of the three, each waiting batch applies `Batch`'s default to itself: a batch none
   * of whose requests succeeded fails the `up`.
   */
  maxFailedRatio?: pulumi.Input<number>;
  /**
   * How many follow-up batches each batch of the set may run to resubmit its requests that failed
   * for a retryable reason (429, 5xx, batch_expired, transient errors). Default 0. When given
   * (even 0), the set's results are read and judged over the whole set, as with `maxFailedRatio`.
   */
  retryFailedRequests?: pulumi.Input<number>;
  /** Cancel the running batches when the set is deleted or a batch is replaced. Default true. */
  cancelOnDelete?: pulumi.Input<boolean>;
  /** Delete the uploaded input files on delete. Default true. */
  deleteInputFileOnDelete?: pulumi.Input<boolean>;
}

export const DEFAULT_SHARD_CACHE_DIR = ".pulumi-openai-batch/shards";

/**
 * Checks the arguments that decide the shards, against the backend's endpoints and limits; one
 * problem per property, all at once.
 */
export function checkSetArgs(
  args: Readonly<Record<string, unknown>>,
  backend: BackendProfile = OPENAI_PROFILE,
): InputProblem[] {
  const problems: InputProblem[] = [];
  const endpoints = endpointNames(backend);
  if (!endpoints.includes(args.endpoint as string)) {
    const runs = backend.kind === "openai" ? "the Batch API runs" : `${backend.name} runs in a batch`;
    problems.push({
      property: "endpoint",
      reason: `${JSON.stringify(args.endpoint) ?? "undefined"} is not an endpoint ${runs}; use one of ${endpoints.join(", ")} (a plain string: the split needs it while the program runs)`,
    });
  }
  const given = (["inputFile", "requests"] as const).filter((name) => args[name] !== undefined);
  if (given.length !== 1) {
    problems.push({
      property: given.length === 0 ? "inputFile" : "requests",
      reason: `give exactly one of inputFile and requests; ${given.length === 0 ? "neither was given" : "both were given"}`,
    });
  }
  if (args.inputFile !== undefined && (typeof args.inputFile !== "string" || args.inputFile === "")) {
    problems.push({
      property: "inputFile",
      reason: "must be a path (a plain, non-empty string: the split reads the file while the program runs)",
    });
  } else if (typeof args.inputFile === "string" && args.inputFile.includes("\0")) {
    problems.push({
      property: "inputFile",
      reason: `${JSON.stringify(args.inputFile)} holds a NUL byte (\\u0000), which no file name can; give the path of the .jsonl file`,
    });
  }
  if (args.requests !== undefined && !Array.isArray(args.requests)) {
    problems.push({
      property: "requests",
      reason: "must be a plain array of request lines (the split reads them while the program runs)",
    });
  }
  problems.push(
    ...checkCount("maxRequestsPerBatch", args.maxRequestsPerBatch, backend.limits.maxRequests, backend),
  );
  problems.push(
    ...checkCount("maxBytesPerBatch", args.maxBytesPerBatch, backend.limits.maxFileBytes, backend),
  );
  problems.push(...checkCount("maxEnqueuedTokens", args.maxEnqueuedTokens, Number.MAX_SAFE_INTEGER));
  if (
    args.shardCacheDir !== undefined &&
    (typeof args.shardCacheDir !== "string" || args.shardCacheDir === "")
  ) {
    problems.push({
      property: "shardCacheDir",
      reason: `must be a folder path (a plain, non-empty string), not ${describeValue(args.shardCacheDir)}`,
    });
  } else if (typeof args.shardCacheDir === "string" && args.shardCacheDir.includes("\0")) {
    problems.push({
      property: "shardCacheDir",
      reason: `${JSON.stringify(args.shardCacheDir)} holds a NUL byte (\\u0000), which no folder name can; give the path of a folder, such as ".pulumi-openai-batch/shards"`,
    });
  }
  problems.push(...checkResultsArguments(plainResultsArguments(args)));
  return problems;
}

/**
 * The results arguments that are plain values. An output of another resource is checked by the
 * engine when it is known; so are the paths (the results resource's check compares `resultsPath`
 * with the set's input and shard files).
 */
function plainResultsArguments(args: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const plain: Record<string, unknown> = {};
  for (const name of ["resultsPath", "maxFailedRatio", "retryFailedRequests"]) {
    const value = args[name];
    if (typeof value !== "object" || value === null) plain[name] = value;
  }
  return plain;
}

function checkCount(
  property: string,
  value: unknown,
  most: number,
  backend?: BackendProfile,
): InputProblem[] {
  if (value === undefined) return [];
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > most) {
    const bound =
      backend === undefined || backend.kind === "openai"
        ? ""
        : ` (${backend.name}'s limit of one input file)`;
    return [
      {
        property,
        reason: `${property} is ${describeValue(value)}${notANumber(value)}; give a whole number from 1 to ${most}${bound}`,
      },
    ];
  }
  return [];
}
