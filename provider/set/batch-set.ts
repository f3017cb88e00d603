import { isAbsolute } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { BatchStatus, RequestCounts, ResultsSummary } from "../contract";
import { Batch } from "../resource/batch";
import type { BatchSetArgs } from "./args";
import { programBackend } from "./program-backend";
import { BatchSetResults } from "./results/resource";
import { type SetChildren, type SetRoot, setOutputs, wireBatchSet } from "./wire";

export const BATCH_SET_TYPE_TOKEN = "pulumi-openai-batch:index:BatchSet";

/**
 * Any number of requests, split into batches within the backend's limits (OpenAI's, or Azure's
 * with `openai:backend` azure or an Azure base URL) and the organization's enqueued-token limit
 * (with `maxEnqueuedTokens`). The split is content-defined: an edit of one
 * request replaces only the batch that holds it. Each shard is written to a cache folder of the
 * project and run by a child `Batch` that reads it as its `inputFile`, so the state holds no copy
 * of the requests and preview calls no API.
 */
export class BatchSet extends pulumi.ComponentResource {
  /** The ids of the child batches, in shard order. */
  readonly batchIds: pulumi.Output<string[]>;
  /** How many shards (and so batches) the requests were split into. */
  readonly shardCount: pulumi.Output<number>;
  /** How many waves the shards run in (1 without `maxEnqueuedTokens`). */
  readonly waveCount: pulumi.Output<number>;
  /** The least advanced status of the children; undefined while any is unknown. */
  readonly status: pulumi.Output<BatchStatus | undefined>;
  /** The children's request counts added up; undefined while any is unknown. */
  readonly requestCounts: pulumi.Output<RequestCounts | undefined>;
  /**
   * Counts of the set's results by status and error code, summed over the batches, once every
   * batch has finished and its results were read (with `resultsPath`, `maxFailedRatio` or
   * `retryFailedRequests`: then joined over the set by one results resource).
   */
  readonly resultsSummary: pulumi.Output<ResultsSummary | undefined>;
  /** Hex sha256 of the file written at `resultsPath`. */
  readonly resultsSha256: pulumi.Output<string | undefined>;
  /** The child batches, in shard order. */
  readonly batches: readonly Batch[];

  constructor(name: string, args: BatchSetArgs, opts?: pulumi.ComponentResourceOptions) {
    super(BATCH_SET_TYPE_TOKEN, name, {}, opts);
    const wired = wireBatchSet(this, name, args, DYNAMIC_CHILDREN, projectRoot(), programBackend());
    this.batches = wired.batches;
    this.batchIds = wired.batchIds;
    this.shardCount = wired.shardCount;
    this.waveCount = wired.waveCount;
    this.status = wired.status;
    this.requestCounts = wired.requestCounts;
    this.resultsSummary = wired.resultsSummary;
    this.resultsSha256 = wired.resultsSha256;
    this.registerOutputs(setOutputs(wired));
  }
}

/** In TypeScript, the children are dynamic resources: `Batch` and `BatchSetResults`. */
const DYNAMIC_CHILDREN: SetChildren<Batch> = {
  batch: (name, args, opts) => new Batch(name, args, opts),
  results: (name, args, opts) => new BatchSetResults(name, args, opts),
};

/**
 * The Pulumi project's directory, where relative paths start. The Pulumi CLI passes it to the
 * program; where it is not passed (inline programs of the Automation API, mocks) it is the
 * working directory, and the children are given absolute paths.
 */
function projectRoot(): SetRoot {
  const root = pulumi.runtime.getRootDirectory();
  return isAbsolute(root) ? { root, fromEngine: true } : { root: process.cwd(), fromEngine: false };
}
