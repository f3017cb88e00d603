import type * as pulumiProvider from "@pulumi/pulumi/provider";
import type { BatchInputs, SetResultsInputs } from "../contract";
import type { BatchResourceProvider } from "../runtime";
import type { SetResultsProvider } from "../set/results/provider";
import { type DetailedDiffResult, detailedDiffOf } from "./detailed-diff";
import { plainProperties } from "./secrets";

/** What the plugin serves for one custom resource type. */
export type PluginResource = Required<
  Pick<pulumiProvider.Provider, "check" | "create" | "read" | "update" | "delete">
> & {
  diff(
    id: string,
    urn: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<DetailedDiffResult>;
};

/**
 * `openai-batch:index:Batch`: the runtime that the dynamic provider runs too. Secrets arrive
 * wrapped and are unwrapped; the create token is keyed by the resource's URN.
 */
export function batchResource(runtime: BatchResourceProvider): PluginResource {
  return {
    async check(urn, _olds, news) {
      const inputs = plainProperties(news);
      // The URN names the resource uniquely in its stack, as `resourceKey` does for the class.
      inputs.resourceKey = urn;
      return runtime.check({} as never, inputs as unknown as BatchInputs);
    },
    async diff(id, _urn, olds, news) {
      // The reasons go to the engine as a detailed diff, and as lines on the resource's row.
      const { reasons, ...diff } = await runtime.plan(
        id,
        plainProperties(olds) as never,
        plainProperties(news) as unknown as BatchInputs,
      );
      return { ...diff, detailedDiff: detailedDiffOf(reasons) };
    },
    async create(_urn, inputs) {
      return runtime.create(plainProperties(inputs) as unknown as BatchInputs);
    },
    async read(id, _urn, props) {
      const outcome = await runtime.read(id, plainProperties(props) as never);
      // The server cannot send an absent property bag: a batch that is gone has empty ones.
      return { id: outcome.id ?? "", props: outcome.props ?? {}, inputs: outcome.inputs ?? {} };
    },
    async update(id, _urn, olds, news) {
      return runtime.update(
        id,
        plainProperties(olds) as never,
        plainProperties(news) as unknown as BatchInputs,
      );
    },
    async delete(id, _urn, props) {
      await runtime.delete(id, plainProperties(props) as never);
    },
  };
}

/** `openai-batch:index:BatchSetResults`, a plugin `BatchSet`'s results: the same provider as TypeScript's. */
export function setResultsResource(provider: SetResultsProvider): PluginResource {
  const inputs = (value: unknown) => plainProperties(value) as unknown as SetResultsInputs;
  return {
    check: (_urn, olds, news) => provider.check(inputs(olds), inputs(news)),
    diff: (id, _urn, olds, news) => provider.diff(id, inputs(olds), inputs(news)),
    create: (_urn, news) => provider.create(inputs(news)),
    async read(id, _urn, props) {
      const outcome = await provider.read(id, inputs(props));
      return { id: outcome.id ?? id, props: outcome.props ?? {} };
    },
    async update(id, _urn, olds, news) {
      return provider.update(id, inputs(olds), inputs(news));
    },
    async delete(id, _urn, props) {
      await provider.delete(id, inputs(props));
    },
  };
}
