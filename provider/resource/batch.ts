import * as pulumi from "@pulumi/pulumi";
import {
  BATCH_MODULE,
  BATCH_TYPE,
  type BatchAttempt,
  type BatchEndpoint,
  type BatchErrorEntry,
  type BatchRequestLine,
  type BatchStatus,
  type BatchUsage,
  type CompletionWindow,
  LIVE_OUTPUT_NAMES,
  type OutputExpiresAfter,
  PROVIDER_OUTPUT_NAMES,
  type RequestCounts,
  type ResultsSummary,
} from "../contract";
import { BatchInputError } from "../errors";
import { serializedProvider } from "./serialized-provider";

/** One request line, where any part may be an output of another resource. */
export interface BatchRequestLineArgs {
  custom_id: pulumi.Input<string>;
  method: pulumi.Input<"POST">;
  url: pulumi.Input<string>;
  body: pulumi.Input<Record<string, unknown>>;
}

/** The arguments of a `Batch`. Give exactly one of `requests`, `inputFile` and `inputFileId`. */
export interface BatchArgs {
  /** The endpoint every request line calls. Changing it replaces the batch. */
  endpoint: pulumi.Input<BatchEndpoint>;
  /** Request lines given inline; uploaded as JSONL. A change of content replaces the batch. */
  requests?: pulumi.Input<pulumi.Input<BatchRequestLine | BatchRequestLineArgs>[]>;
  /** Path of a local `.jsonl` file, relative to the Pulumi project. A change of its bytes replaces the batch. */
  inputFile?: pulumi.Input<string>;
  /** Id of a file already uploaded with purpose `batch`. Changing it replaces the batch. */
  inputFileId?: pulumi.Input<string>;
  /** Only `"24h"` for now (the default). */
  completionWindow?: pulumi.Input<CompletionWindow>;
  /** Up to 15 string pairs (key ≤ 64, value ≤ 512 characters). The API has no update: a change replaces. */
  metadata?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** When the output and error files expire. A change replaces the batch. */
  outputExpiresAfter?: pulumi.Input<OutputExpiresAfter>;
  /** Wait in `pulumi up` until the batch finishes. Default false. */
  waitForCompletion?: pulumi.Input<boolean>;
  /** How long one `pulumi up` waits, in seconds. Default 86400. */
  waitTimeoutSeconds?: pulumi.Input<number>;
  /** The longest gap between polls, in seconds (polling starts at 1 s and backs off). Default 30. */
  pollIntervalSeconds?: pulumi.Input<number>;
  /** Cancel the batch when the resource is deleted or replaced, if it still runs. Default true. */
  cancelOnDelete?: pulumi.Input<boolean>;
  /** Delete the input file on delete, only ever when this resource uploaded it. Default true. */
  deleteInputFileOnDelete?: pulumi.Input<boolean>;
  /**
   * The largest share (0..1) of a finished batch's requests that may be unsuccessful before
   * `pulumi up` fails (the batch stays in the state). Default: fail only when no request
   * succeeded; `0` fails on any failure. Changing it updates in place.
   */
  maxFailedRatio?: pulumi.Input<number>;
  /**
   * Local path, relative to the Pulumi project, where the joined results are written as JSONL
   * (atomically) by the `up` that sees the batch finish, and again by any later `up` that finds
   * the file missing or changed. Changing it updates in place.
   */
  resultsPath?: pulumi.Input<string>;
  /**
   * How many follow-up batches may resubmit the requests that failed for a retryable reason
   * (429, 5xx, batch_expired, transient errors), inside this resource. Default 0.
   */
  retryFailedRequests?: pulumi.Input<number>;
}

/** The names of the outputs, seeded as undefined so that Pulumi declares them all. */
const OUTPUT_NAMES = [...LIVE_OUTPUT_NAMES, ...PROVIDER_OUTPUT_NAMES];

/**
 * An OpenAI Batch job, managed by Pulumi: `pulumi up` uploads the input and creates the batch,
 * `pulumi refresh` reads it, `pulumi destroy` cancels it, and a change of what it runs replaces
 * it. Outputs are undefined while unknown.
 */
export class Batch extends pulumi.dynamic.Resource {
  declare readonly endpoint: pulumi.Output<BatchEndpoint>;
  declare readonly status: pulumi.Output<BatchStatus | undefined>;
  declare readonly inputFileId: pulumi.Output<string | undefined>;
  declare readonly outputFileId: pulumi.Output<string | undefined>;
  declare readonly errorFileId: pulumi.Output<string | undefined>;
  declare readonly requestCounts: pulumi.Output<RequestCounts | undefined>;
  declare readonly errors: pulumi.Output<BatchErrorEntry[] | undefined>;
  declare readonly createdAt: pulumi.Output<number | undefined>;
  declare readonly inProgressAt: pulumi.Output<number | undefined>;
  declare readonly finalizingAt: pulumi.Output<number | undefined>;
  declare readonly completedAt: pulumi.Output<number | undefined>;
  declare readonly failedAt: pulumi.Output<number | undefined>;
  declare readonly expiredAt: pulumi.Output<number | undefined>;
  declare readonly expiresAt: pulumi.Output<number | undefined>;
  declare readonly cancellingAt: pulumi.Output<number | undefined>;
  declare readonly cancelledAt: pulumi.Output<number | undefined>;
  declare readonly model: pulumi.Output<string | undefined>;
  declare readonly usage: pulumi.Output<BatchUsage | undefined>;
  /** Hex sha256 of the exact bytes uploaded. */
  declare readonly inputSha256: pulumi.Output<string | undefined>;
  /** How many request lines were uploaded. */
  declare readonly requestCount: pulumi.Output<number | undefined>;
  /** True when this resource uploaded the input file (and so may delete it). */
  declare readonly uploadedInputFile: pulumi.Output<boolean | undefined>;
  /** Counts of the joined results by status and error code, once the batch has finished. */
  declare readonly resultsSummary: pulumi.Output<ResultsSummary | undefined>;
  /** Hex sha256 of the file written at `resultsPath`. */
  declare readonly resultsSha256: pulumi.Output<string | undefined>;
  /** Every batch run for this resource (the first, then follow-ups), once it has finished. */
  declare readonly attempts: pulumi.Output<BatchAttempt[] | undefined>;

  /**
   * Adopts an existing batch, read-only: Pulumi reads it and never changes or cancels it.
   * (`pulumi import` does not work for dynamic resources; this is the way to bring one in.)
   */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): Batch {
    return new Batch(name, undefined, { ...opts, id });
  }

  constructor(name: string, args: BatchArgs, opts?: pulumi.CustomResourceOptions);
  /** @internal For `Batch.get`. */
  constructor(
    name: string,
    args: BatchArgs | undefined,
    opts: pulumi.CustomResourceOptions & { id: pulumi.Input<pulumi.ID> },
  );
  constructor(name: string, args: BatchArgs | undefined, opts?: pulumi.CustomResourceOptions) {
    if (args === undefined && opts?.id === undefined) {
      throw new BatchInputError([
        {
          property: "args",
          reason: `new Batch("${name}", args) needs its arguments; give at least endpoint and one input`,
        },
      ]);
    }
    // `endpoint` is seeded too, for `Batch.get`, which passes no arguments.
    const outputs = Object.fromEntries(["endpoint", ...OUTPUT_NAMES].map((output) => [output, undefined]));
    const inputs = args === undefined ? {} : { ...args, resourceKey: resourceKeyOf(name, opts) };
    super(serializedProvider, name, { ...outputs, ...inputs }, opts, BATCH_MODULE, BATCH_TYPE);
  }
}

/**
 * Names the resource for its create token: the stack and the name, and the parent's URN when it
 * has one (names need only be unique among siblings of one parent type).
 */
function resourceKeyOf(name: string, opts: pulumi.CustomResourceOptions | undefined): pulumi.Input<string> {
  const stackKey = `${pulumi.getProject()}/${pulumi.getStack()}/${name}`;
  return opts?.parent === undefined ? stackKey : pulumi.interpolate`${stackKey}@${opts.parent.urn}`;
}
