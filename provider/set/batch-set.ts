import { isAbsolute, resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { BatchStatus, RequestCounts, ResultsSummary } from "../contract";
import { isBatchInputError } from "../errors";
import { Batch, type BatchArgs } from "../resource/batch";
import { ProgramInputError } from "../resource/program-input-error";
import type { BatchSetArgs } from "./args";
import { childPath } from "./child-path";
import { childResultsPath, setResultsFolder } from "./results/paths";
import { BatchSetResults } from "./results/resource";
import { type PlannedShard, planShards } from "./shards";
import { leastAdvanced, sumRequestCounts, sumResultsSummaries } from "./status";

export const BATCH_SET_TYPE_TOKEN = "pulumi-openai-batch:index:BatchSet";

/**
 * Any number of requests, split into batches within the API's limits (and the organization's
 * enqueued-token limit, with `maxEnqueuedTokens`). The split is content-defined: an edit of one
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
    const { root, fromEngine } = projectRoot();
    const shards = plannedOrThrown(() => planShards(name, args, root, fromEngine), this);
    // With resultsPath, maxFailedRatio or retryFailedRequests, each batch writes its own results
    // into the cache folder and accepts any share of failures; one results resource joins them and
    // judges the whole set, so that one batch alone never fails the up.
    const overSet =
      args.resultsPath !== undefined ||
      args.maxFailedRatio !== undefined ||
      args.retryFailedRequests !== undefined;
    const stack = pulumi.getStack();
    const folder = urnPromise(this).then((urn) => setResultsFolder(name, urn));
    const resultsOf = (shard: PlannedShard) =>
      folder.then((setFolder) =>
        childResultsPath(root, args.shardCacheDir, stack, setFolder, shard.name, fromEngine),
      );
    const lastWave = shards.reduce((most, shard) => Math.max(most, shard.wave), 0);
    // Each wave's batches wait for every batch of the wave before to complete.
    const waves: Batch[][] = Array.from({ length: lastWave + 1 }, () => []);
    const batches = shards.map((shard) => {
      const before = shard.wave > 0 ? waves[shard.wave - 1] : undefined;
      const passed = childArgs(args, shard, shard.wave < lastWave);
      if (overSet) {
        passed.resultsPath = resultsOf(shard);
        passed.maxFailedRatio = 1;
      }
      const batch = new Batch(shard.name, passed, {
        parent: this,
        ...(before === undefined ? {} : { dependsOn: before }),
      });
      waves[shard.wave]?.push(batch);
      return batch;
    });
    this.batches = batches;
    this.batchIds = pulumi.all(batches.map((batch) => batch.id)).apply((ids) => ids.map(String));
    this.shardCount = pulumi.output(shards.length);
    this.waveCount = pulumi.output(lastWave + 1);
    this.status = pulumi.all(batches.map((batch) => batch.status)).apply(leastAdvanced);
    this.requestCounts = pulumi.all(batches.map((batch) => batch.requestCounts)).apply(sumRequestCounts);
    const results = overSet
      ? new BatchSetResults(
          `${name}-results`,
          {
            setName: name,
            ...(args.inputFile === undefined
              ? {}
              : { inputFile: childPath(root, resolve(root, args.inputFile), fromEngine) }),
            ...(args.resultsPath === undefined ? {} : { resultsPath: args.resultsPath }),
            ...(args.maxFailedRatio === undefined ? {} : { maxFailedRatio: args.maxFailedRatio }),
            shards: shards.map((shard, index) => ({
              batchId: batches[index]!.id,
              resultsPath: resultsOf(shard),
              resultsSha256: batches[index]!.resultsSha256,
              lineOffset: shard.firstLine - 1,
              inputFile: shard.inputFile,
            })),
          },
          { parent: this, dependsOn: batches },
        )
      : undefined;
    this.resultsSummary =
      results?.resultsSummary ??
      pulumi.all(batches.map((batch) => batch.resultsSummary)).apply(sumResultsSummaries);
    this.resultsSha256 = results?.resultsSha256 ?? pulumi.output(undefined);
    this.registerOutputs({
      batchIds: this.batchIds,
      shardCount: this.shardCount,
      waveCount: this.waveCount,
      status: this.status,
      requestCounts: this.requestCounts,
      resultsSummary: this.resultsSummary,
      resultsSha256: this.resultsSha256,
    });
  }
}

/**
 * The shards; an input error (a wrong argument, a path the split cannot use, a bad line) is thrown
 * as a `ProgramInputError` of the set, which the engine prints as one line under the set, without
 * a stack trace.
 */
function plannedOrThrown(plan: () => PlannedShard[], set: BatchSet): PlannedShard[] {
  try {
    return plan();
  } catch (error) {
    if (isBatchInputError(error)) throw new ProgramInputError(error.problems, set);
    throw error;
  }
}

/** A child's arguments. A wave that another wave waits for always waits for its own completion. */
function childArgs(args: BatchSetArgs, shard: PlannedShard, awaited: boolean): BatchArgs {
  const passed: BatchArgs = { endpoint: args.endpoint, inputFile: shard.inputFile };
  const optional = [
    "completionWindow",
    "metadata",
    "outputExpiresAfter",
    "waitTimeoutSeconds",
    "pollIntervalSeconds",
    "cancelOnDelete",
    "deleteInputFileOnDelete",
    "retryFailedRequests",
  ] as const;
  const copy = passed as unknown as Record<string, unknown>;
  for (const key of optional) {
    if (args[key] !== undefined) copy[key] = args[key];
  }
  if (awaited) {
    passed.waitForCompletion = true;
  } else if (args.waitForCompletion !== undefined) {
    passed.waitForCompletion = args.waitForCompletion;
  }
  return passed;
}

/**
 * A resource's URN as a plain promise, never as its `Output`: an input that depends on the set's
 * output would make each child depend on every child of the set, and `pulumi up` would never finish.
 */
function urnPromise(resource: pulumi.Resource): Promise<string> {
  return new Promise<string>((resolve) => {
    resource.urn.apply((urn) => {
      resolve(urn);
      return urn;
    });
  });
}

/**
 * The Pulumi project's directory, where relative paths start. The Pulumi CLI passes it to the
 * program; where it is not passed (inline programs of the Automation API, mocks) it is the
 * working directory, and the children are given absolute paths.
 */
function projectRoot(): { root: string; fromEngine: boolean } {
  const root = pulumi.runtime.getRootDirectory();
  return isAbsolute(root) ? { root, fromEngine: true } : { root: process.cwd(), fromEngine: false };
}
