import * as pulumi from "@pulumi/pulumi";
import type { BackendProfile } from "../backends";
import {
  type BatchSetInputs,
  type BatchStatus,
  LIVE_OUTPUT_NAMES,
  PROVIDER_OUTPUT_NAMES,
  type RequestCounts,
  type ResultsSummary,
} from "../contract";
import type { Exactly } from "../describe";
import type { BatchArgs } from "../resource/batch";
import type { BatchSetArgs } from "../set/args";
import type { SetResultsArgs } from "../set/results/resource";
import { type SetChildren, setOutputs, wireBatchSet } from "../set/wire";
import { BATCH_RESOURCE_TOKEN, BATCH_SET_RESOURCE_TOKEN, SET_RESULTS_RESOURCE_TOKEN } from "./names";

// The plugin's BatchSet takes what the TypeScript class takes, as the contract describes it.
const sameArguments: Exactly<keyof BatchSetArgs, keyof BatchSetInputs> = true;
void sameArguments;

/** A child `Batch` of a plugin set: the plugin's own `openai-batch:index:Batch`. */
class PluginBatch extends pulumi.CustomResource {
  declare readonly status: pulumi.Output<BatchStatus | undefined>;
  declare readonly requestCounts: pulumi.Output<RequestCounts | undefined>;
  declare readonly resultsSummary: pulumi.Output<ResultsSummary | undefined>;
  declare readonly resultsSha256: pulumi.Output<string | undefined>;

  constructor(name: string, args: BatchArgs, opts: pulumi.CustomResourceOptions) {
    const outputs = Object.fromEntries(
      [...LIVE_OUTPUT_NAMES, ...PROVIDER_OUTPUT_NAMES].map((output) => [output, undefined]),
    );
    super(BATCH_RESOURCE_TOKEN, name, { ...outputs, ...args }, opts);
  }
}

/** A plugin set's results resource: `openai-batch:index:BatchSetResults`, served by the plugin. */
class PluginSetResults extends pulumi.CustomResource {
  declare readonly resultsSummary: pulumi.Output<ResultsSummary | undefined>;
  declare readonly resultsSha256: pulumi.Output<string | undefined>;

  constructor(name: string, args: SetResultsArgs, opts: pulumi.CustomResourceOptions) {
    super(
      SET_RESULTS_RESOURCE_TOKEN,
      name,
      { resultsSummary: undefined, resultsSha256: undefined, ...args },
      opts,
    );
  }
}

/** In the plugin, the children are the plugin's own resource types. */
const PLUGIN_CHILDREN: SetChildren<PluginBatch> = {
  batch: (name, args, opts) => new PluginBatch(name, args, opts),
  results: (name, args, opts) => new PluginSetResults(name, args, opts),
};

/**
 * The plugin's `openai-batch:index:BatchSet`, made by `construct`: the same split, waves and
 * results as the TypeScript `BatchSet` (one implementation, `set/wire.ts`). Relative paths start
 * at the working directory, which is the project's: the engine starts the plugin there, and the
 * children's provider (this plugin) runs there too.
 */
export class PluginBatchSet extends pulumi.ComponentResource {
  /** The outputs, for `construct`'s answer. */
  readonly state: Record<string, pulumi.Output<unknown>>;

  constructor(
    name: string,
    args: BatchSetArgs,
    opts: pulumi.ComponentResourceOptions,
    cwd: string,
    backend?: BackendProfile,
  ) {
    super(BATCH_SET_RESOURCE_TOKEN, name, {}, opts);
    this.state = setOutputs(
      wireBatchSet(this, name, args, PLUGIN_CHILDREN, { root: cwd, fromEngine: true }, backend),
    );
    this.registerOutputs(this.state);
  }
}
