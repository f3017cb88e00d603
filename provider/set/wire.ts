import { resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { BackendProfile } from "../backends";
import type { BatchStatus, RequestCounts, ResultsSummary, SetMember } from "../contract";
import { isBatchInputError } from "../errors";
import type { BatchArgs } from "../resource/batch";
import { ProgramInputError } from "../resource/program-input-error";
import type { BatchSetArgs } from "./args";
import { childPath } from "./child-path";
import { childResultsPath, setResultsFolder } from "./results/paths";
import type { SetResultsArgs } from "./results/resource";
import { type PlannedShard, planShards } from "./shards";
import { leastAdvanced, sumRequestCounts, sumResultsSummaries } from "./status";

/** What the set reads of a child batch. */
export interface SetChild extends pulumi.Resource {
  readonly id: pulumi.Output<pulumi.ID>;
  readonly status: pulumi.Output<BatchStatus | undefined>;
  readonly requestCounts: pulumi.Output<RequestCounts | undefined>;
  readonly resultsSummary: pulumi.Output<ResultsSummary | undefined>;
  readonly resultsSha256: pulumi.Output<string | undefined>;
}

/** What the set reads of its results resource. */
export interface SetResultsChild extends pulumi.Resource {
  readonly resultsSummary: pulumi.Output<ResultsSummary | undefined>;
  readonly resultsSha256: pulumi.Output<string | undefined>;
}

/**
 * A child's arguments: a `Batch`'s, and where the batch stands in the set (an internal input, so
 * that the batch reports its progress on the set's row).
 */
export type SetChildArgs = BatchArgs & { setMember: pulumi.Input<SetMember> };

/**
 * The one thing that differs between the TypeScript `BatchSet` and the plugin's: how a child
 * `Batch` and the set's results resource are registered (dynamic resources in TypeScript, the
 * plugin's own types in the plugin).
 */
export interface SetChildren<B extends SetChild> {
  batch(name: string, args: SetChildArgs, opts: pulumi.CustomResourceOptions): B;
  results(name: string, args: SetResultsArgs, opts: pulumi.CustomResourceOptions): SetResultsChild;
}

/**
 * The Pulumi project's directory, where relative paths start, and whether the provider runs
 * there too (then the children are given paths relative to it; otherwise absolute ones).
 */
export interface SetRoot {
  root: string;
  fromEngine: boolean;
}

/** A set's outputs, and its children. */
export interface WiredSet<B extends SetChild> {
  batches: B[];
  batchIds: pulumi.Output<string[]>;
  shardCount: pulumi.Output<number>;
  waveCount: pulumi.Output<number>;
  status: pulumi.Output<BatchStatus | undefined>;
  requestCounts: pulumi.Output<RequestCounts | undefined>;
  resultsSummary: pulumi.Output<ResultsSummary | undefined>;
  resultsSha256: pulumi.Output<string | undefined>;
}

/**
 * Splits the set's requests into shards, registers one child batch per shard (in waves, each
 * waiting for the one before) and, when the set reads its results, one results resource over
 * them; returns the set's outputs. `set` is the component the children belong to; `backend` is the
 * one the children's provider talks to, whose limits bound each shard.
 */
export function wireBatchSet<B extends SetChild>(
  set: pulumi.ComponentResource,
  name: string,
  args: BatchSetArgs,
  children: SetChildren<B>,
  { root, fromEngine }: SetRoot,
  backend?: BackendProfile,
): WiredSet<B> {
  const shards = plannedOrThrown(() => planShards(name, args, root, fromEngine, backend), set);
  // With resultsPath, maxFailedRatio or retryFailedRequests, each batch writes its own results
  // into the cache folder and accepts any share of failures; one results resource joins them and
  // judges the whole set, so that one batch alone never fails the up.
  const overSet =
    args.resultsPath !== undefined ||
    args.maxFailedRatio !== undefined ||
    args.retryFailedRequests !== undefined;
  const stack = pulumi.getStack();
  const setUrn = urnPromise(set);
  const folder = setUrn.then((urn) => setResultsFolder(name, urn));
  const resultsOf = (shard: PlannedShard) =>
    folder.then((setFolder) =>
      childResultsPath(root, args.shardCacheDir, stack, setFolder, shard.name, fromEngine),
    );
  const lastWave = shards.reduce((most, shard) => Math.max(most, shard.wave), 0);
  const totals = {
    waves: lastWave + 1,
    batches: shards.length,
    requests: shards.reduce((sum, shard) => sum + shard.requests, 0),
  };
  // Each wave's batches wait for every batch of the wave before to complete.
  const waves: B[][] = Array.from({ length: lastWave + 1 }, () => []);
  const batches = shards.map((shard) => {
    const before = shard.wave > 0 ? waves[shard.wave - 1] : undefined;
    const passed: SetChildArgs = {
      ...childArgs(args, shard, shard.wave < lastWave),
      setMember: setUrn.then((urn) => ({ setUrn: urn, wave: shard.wave, ...totals })),
    };
    if (overSet) {
      passed.resultsPath = resultsOf(shard);
      passed.maxFailedRatio = 1;
    }
    const batch = children.batch(shard.name, passed, {
      parent: set,
      // The name an older release gave the child: a stack it made keeps its batches.
      aliases: [{ name: shard.formerName }],
      ...(before === undefined ? {} : { dependsOn: before }),
    });
    waves[shard.wave]?.push(batch);
    return batch;
  });
  const results = overSet
    ? children.results(
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
        { parent: set, dependsOn: batches },
      )
    : undefined;
  return {
    batches,
    batchIds: pulumi.all(batches.map((batch) => batch.id)).apply((ids) => ids.map(String)),
    shardCount: pulumi.output(shards.length),
    waveCount: pulumi.output(lastWave + 1),
    status: pulumi.all(batches.map((batch) => batch.status)).apply(leastAdvanced),
    requestCounts: pulumi.all(batches.map((batch) => batch.requestCounts)).apply(sumRequestCounts),
    resultsSummary:
      results?.resultsSummary ??
      pulumi.all(batches.map((batch) => batch.resultsSummary)).apply(sumResultsSummaries),
    resultsSha256: results?.resultsSha256 ?? pulumi.output(undefined),
  };
}

/**
 * The shards; an input error (a wrong argument, a path the split cannot use, a bad line) is thrown
 * as a `ProgramInputError` of the set, which the engine prints as one line under the set, without
 * a stack trace.
 */
function plannedOrThrown(plan: () => PlannedShard[], set: pulumi.ComponentResource): PlannedShard[] {
  try {
    return plan();
  } catch (error) {
    if (isBatchInputError(error)) throw new ProgramInputError(error.problems, set);
    throw error;
  }
}

/** The set's outputs as `registerOutputs` and `construct` take them. */
export function setOutputs(wired: WiredSet<SetChild>): Record<string, pulumi.Output<unknown>> {
  return {
    batchIds: wired.batchIds,
    shardCount: wired.shardCount,
    waveCount: wired.waveCount,
    status: wired.status,
    requestCounts: wired.requestCounts,
    resultsSummary: wired.resultsSummary,
    resultsSha256: wired.resultsSha256,
  };
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
