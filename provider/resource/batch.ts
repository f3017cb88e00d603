import * as pulumi from "@pulumi/pulumi";
import {
  BATCH_MODULE,
  BATCH_TYPE,
  type BatchAttempt,
  type BatchCostEstimate,
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
  type TokenPrice,
} from "../contract";
import type { InputProblem } from "../errors";
import { nestedNonFiniteProblems } from "./nested-numbers";
import { ProgramInputError } from "./program-input-error";

// The module's whole export (`export =`), so that Pulumi serializes it as a `require` of the
// module. A default import, not `import = require`, so that vitest loads it from source too.
import serializedProvider from "./serialized-provider";

/**
 * One request line, where any part may be an output of another resource. Only `custom_id` and
 * `body` are needed: `method` defaults to `"POST"` and `url` to the batch's `endpoint`. Plain
 * strings are accepted for both (a request array declared apart from the call, or loaded from
 * JSON, types them as `string`); their values are checked at preview.
 */
export interface BatchRequestLineArgs {
  /** Unique within the batch; the results carry it back. */
  custom_id: pulumi.Input<string>;
  /** `"POST"`, the default. */
  method?: pulumi.Input<string>;
  /** The endpoint this line calls; the default is the batch's `endpoint`, and it must be equal to it. */
  url?: pulumi.Input<string>;
  /** The request body, as the endpoint takes it (for example `{ model, messages }`). */
  body: pulumi.Input<Record<string, unknown>>;
}

/**
 * An endpoint: one of `BATCH_ENDPOINTS`, suggested by the editor, or any string (a value held in
 * a `string` variable or read from config), checked at preview.
 */
export type BatchEndpointArg = BatchEndpoint | (string & Record<never, never>);

/** The arguments of a `Batch`. Give exactly one of `requests`, `inputFile` and `inputFileId`. */
export interface BatchArgs {
  /** The endpoint every request line calls. Changing it replaces the batch. */
  endpoint: pulumi.Input<BatchEndpointArg>;
  /**
   * Request lines given inline, `{ custom_id, body }` at least; uploaded as JSONL, with `method`
   * and `url` filled in. A change of content replaces the batch.
   */
  requests?: pulumi.Input<readonly pulumi.Input<BatchRequestLine | BatchRequestLineArgs>[]>;
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
   * The most the batch may cost, in US dollars. Preview fails when the estimate's upper bound
   * (input plus every request's output limit, at batch prices) is over it, or cannot be known.
   */
  maxCostUsd?: pulumi.Input<number>;
  /** Output tokens assumed for each request that sets no output limit, so that the cost is bounded. */
  assumedOutputTokensPerRequest?: pulumi.Input<number>;
  /** Prices by model, in US dollars per million tokens at batch rates; over the table shipped with the package. */
  prices?: pulumi.Input<Record<string, pulumi.Input<TokenPrice>>>;
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
   * How many follow-up batches (a whole number from 0 to 10) may resubmit the requests that
   * failed for a retryable reason (429, 5xx, batch_expired, transient errors), inside this
   * resource. Default 0. Without
   * `waitForCompletion`, each follow-up is made by the `up` after a refresh that saw the last
   * attempt finish.
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
  /** The endpoint every request line calls. */
  declare readonly endpoint: pulumi.Output<BatchEndpoint>;
  /** `validating`, `in_progress`, `finalizing`, `completed`, `failed`, `expired`, `cancelling` or `cancelled`. */
  declare readonly status: pulumi.Output<BatchStatus | undefined>;
  /** The input file: the one this resource uploaded, or the one given as `inputFileId`. */
  declare readonly inputFileId: pulumi.Output<string | undefined>;
  /** The file of results, one JSON line per successful request, once the batch has it (read it with the Files API's `content`). */
  declare readonly outputFileId: pulumi.Output<string | undefined>;
  /** The file of failed requests, one JSON line each, once the batch has any. */
  declare readonly errorFileId: pulumi.Output<string | undefined>;
  /** How many requests the batch holds, and how many completed and failed so far. */
  declare readonly requestCounts: pulumi.Output<RequestCounts | undefined>;
  /** Why the API refused the input (`code`, `message`, `line`, `param`), when it did. */
  declare readonly errors: pulumi.Output<BatchErrorEntry[] | undefined>;
  /** When the batch was created, in unix seconds. */
  declare readonly createdAt: pulumi.Output<number | undefined>;
  /** When the batch started running, in unix seconds. */
  declare readonly inProgressAt: pulumi.Output<number | undefined>;
  /** When the batch started finalizing, in unix seconds. */
  declare readonly finalizingAt: pulumi.Output<number | undefined>;
  /** When the batch completed, in unix seconds. */
  declare readonly completedAt: pulumi.Output<number | undefined>;
  /** When the batch failed, in unix seconds. */
  declare readonly failedAt: pulumi.Output<number | undefined>;
  /** When the batch expired, in unix seconds. */
  declare readonly expiredAt: pulumi.Output<number | undefined>;
  /** When the batch will expire if it has not finished, in unix seconds. */
  declare readonly expiresAt: pulumi.Output<number | undefined>;
  /** When cancelling the batch started, in unix seconds. */
  declare readonly cancellingAt: pulumi.Output<number | undefined>;
  /** When the batch was cancelled, in unix seconds. */
  declare readonly cancelledAt: pulumi.Output<number | undefined>;
  /** The model the batch ran, as the API reports it. */
  declare readonly model: pulumi.Output<string | undefined>;
  /** The batch's token usage, as the API reports it (for batches created after September 2025). */
  declare readonly usage: pulumi.Output<BatchUsage | undefined>;
  /** Hex sha256 of the exact bytes uploaded. */
  declare readonly inputSha256: pulumi.Output<string | undefined>;
  /** How many request lines were uploaded. */
  declare readonly requestCount: pulumi.Output<number | undefined>;
  /** True when this resource uploaded the input file (and so may delete it). */
  declare readonly uploadedInputFile: pulumi.Output<boolean | undefined>;
  /** The cost estimate, known at preview: tokens counted from the requests, priced at batch rates. */
  declare readonly estimate: pulumi.Output<BatchCostEstimate | undefined>;
  /** What the batch cost in US dollars, from its `usage`; undefined until the API reports usage, or without a price. */
  declare readonly costUsd: pulumi.Output<number | undefined>;
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
    const problems = argumentProblems(name, args, opts);
    if (problems.length > 0) {
      // Before the resource exists: the engine prints the message under the stack.
      throw new ProgramInputError(problems, undefined);
    }
    // `endpoint` is seeded too, for `Batch.get`, which passes no arguments.
    const outputs = Object.fromEntries(["endpoint", ...OUTPUT_NAMES].map((output) => [output, undefined]));
    const inputs = args === undefined ? {} : { ...args, resourceKey: resourceKeyOf(name, opts) };
    super(serializedProvider, name, { ...outputs, ...inputs }, opts, BATCH_MODULE, BATCH_TYPE);
  }
}

/**
 * What the class itself refuses, before anything registers: no arguments (other than for
 * `Batch.get`), and numbers inside the arguments' objects that would reach the provider as null.
 * Everything else is checked by the provider's `check`, at preview.
 */
function argumentProblems(
  name: string,
  args: BatchArgs | undefined,
  opts: pulumi.CustomResourceOptions | undefined,
): InputProblem[] {
  if (args !== undefined) return nestedNonFiniteProblems(args as unknown as Record<string, unknown>);
  if (opts?.id !== undefined) return [];
  return [
    {
      property: "args",
      reason: `new Batch("${name}", args) needs its arguments; give at least endpoint and one input`,
    },
  ];
}

/**
 * Names the resource for its create token: the stack and the name, and the parent's URN when it
 * has one (names need only be unique among siblings of one parent type).
 *
 * The parent's URN is passed as a plain promise, never as the parent's `Output`: an input that
 * depends on a component resource makes the resource depend on every child of that component, so
 * two `Batch` children of one component would each wait for the other, and `pulumi up` would never
 * finish. The URN is known as soon as the parent is registered, which every child waits for anyway.
 */
function resourceKeyOf(name: string, opts: pulumi.CustomResourceOptions | undefined): pulumi.Input<string> {
  const stackKey = `${pulumi.getProject()}/${pulumi.getStack()}/${name}`;
  const parent = opts?.parent;
  if (parent === undefined) {
    return stackKey;
  }
  return new Promise<string>((resolve) => {
    parent.urn.apply((urn) => {
      resolve(`${stackKey}@${urn}`);
      return urn;
    });
  });
}
