import * as pulumi from "@pulumi/pulumi";
import {
  BATCH_MODULE,
  type ResultsSummary,
  SET_RESULTS_TYPE,
  type SetResultsInputs,
  type SetResultsOutputs,
  type SetResultsShard,
} from "../../contract";

type Runtime = typeof import("../../runtime");

/**
 * The serialized provider of the set's results resource: like `Batch`'s, each method requires the
 * implementation by package name when called and captures nothing.
 */
const serializedSetResultsProvider: pulumi.dynamic.ResourceProvider<SetResultsInputs, SetResultsOutputs> = {
  check: (olds, news) =>
    (require("pulumi-openai-batch/runtime") as Runtime).setResultsProvider.check(olds, news),
  diff: (id, olds, news) =>
    (require("pulumi-openai-batch/runtime") as Runtime).setResultsProvider.diff(id, olds, news),
  create: (inputs) => (require("pulumi-openai-batch/runtime") as Runtime).setResultsProvider.create(inputs),
  read: (id, props) => (require("pulumi-openai-batch/runtime") as Runtime).setResultsProvider.read(id, props),
  update: (id, olds, news) =>
    (require("pulumi-openai-batch/runtime") as Runtime).setResultsProvider.update(id, olds, news),
  delete: (id, props) =>
    (require("pulumi-openai-batch/runtime") as Runtime).setResultsProvider.delete(id, props),
};

export interface SetResultsArgs {
  setName: string;
  resultsPath?: pulumi.Input<string>;
  maxFailedRatio?: pulumi.Input<number>;
  shards: pulumi.Input<pulumi.Input<SetResultsShardArgs>[]>;
}

export type SetResultsShardArgs = { [K in keyof SetResultsShard]: pulumi.Input<SetResultsShard[K]> };

/**
 * A `BatchSet`'s results over the whole set: a child of the set that depends on every batch, joins
 * their results files in shard order into `resultsPath`, and fails `pulumi up` when the set's
 * unsuccessful share exceeds `maxFailedRatio`.
 */
export class BatchSetResults extends pulumi.dynamic.Resource {
  /** Counts of the set's joined results, once every batch has finished. */
  declare readonly resultsSummary: pulumi.Output<ResultsSummary | undefined>;
  /** Hex sha256 of the file written at `resultsPath`. */
  declare readonly resultsSha256: pulumi.Output<string | undefined>;

  constructor(name: string, args: SetResultsArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      serializedSetResultsProvider,
      name,
      { resultsSummary: undefined, resultsSha256: undefined, ...args },
      opts,
      BATCH_MODULE,
      SET_RESULTS_TYPE,
    );
  }
}
