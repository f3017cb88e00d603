import type { ConstructResult } from "@pulumi/pulumi/provider";
import { BatchInputError } from "../errors";
import { type BatchResourceProvider, createBatchProvider, type RuntimeDeps } from "../runtime";
import type { BatchSetArgs } from "../set/args";
import { createSetResultsProvider } from "../set/results/provider";
import { PluginBatchSet } from "./batch-set";
import { pluginConfigFromEnv } from "./config-source";
import {
  BATCH_RESOURCE_TOKEN,
  BATCH_SET_RESOURCE_TOKEN,
  CONFIG_NAMESPACE,
  SET_RESULTS_RESOURCE_TOKEN,
} from "./names";
import { argumentsOver } from "./provider-arguments";
import { batchResource, type PluginResource, setResultsResource } from "./resources";
import { schemaText } from "./schema";
import type { ConfigurableProvider } from "./serve";

/**
 * The plugin's provider: the `@pulumi/pulumi/provider` interface over the same runtime that the
 * dynamic provider runs, so every operation has one implementation. What differs is only the
 * wiring: settings come from the provider resource's arguments (`Configure`), then the stack
 * config in `PULUMI_CONFIG` (namespace `openai-batch`), then the environment; each operation goes
 * to its resource type's implementation (`resources.ts`); and `construct` makes a `BatchSet`.
 */
export function createPluginProvider(
  version: string,
  overrides: Partial<RuntimeDeps> = {},
): ConfigurableProvider {
  const runtime: BatchResourceProvider = createBatchProvider(overrides, {
    configNamespace: CONFIG_NAMESPACE,
  });
  const env = overrides.env ?? process.env;
  const cwd = overrides.cwd ?? (() => process.cwd());
  const stackConfig = pluginConfigFromEnv(env, CONFIG_NAMESPACE);
  // `configure` only records the settings; its promise never rejects.
  void runtime.configure({ config: stackConfig });

  const resources: Readonly<Record<string, PluginResource>> = {
    [BATCH_RESOURCE_TOKEN]: batchResource(runtime),
    [SET_RESULTS_RESOURCE_TOKEN]: setResultsResource(createSetResultsProvider(cwd)),
  };
  const of = (urn: string): PluginResource => {
    const type = typeOfUrn(urn);
    const resource = resources[type];
    if (resource === undefined) {
      throw new TypeError(
        `unknown resource type ${type}; this provider serves ${Object.keys(resources).join(" and ")}`,
      );
    }
    return resource;
  };

  return {
    version,
    getSchema: async () => schemaText(version),
    async configureWith({ args }) {
      await runtime.configure({ config: argumentsOver(args, CONFIG_NAMESPACE, stackConfig) });
    },
    check: async (urn, olds, news) => of(urn).check(urn, olds, news),
    diff: async (id, urn, olds, news) => of(urn).diff(id, urn, olds, news),
    create: async (urn, inputs) => of(urn).create(urn, inputs),
    read: async (id, urn, props) => of(urn).read(id, urn, props),
    update: async (id, urn, olds, news) => of(urn).update(id, urn, olds, news),
    delete: async (id, urn, props) => of(urn).delete(id, urn, props),
    async construct(name, type, inputs, options): Promise<ConstructResult> {
      if (type !== BATCH_SET_RESOURCE_TOKEN) {
        throw new BatchInputError([
          {
            property: "type",
            reason: `${type} is not a component of this provider; it has ${BATCH_SET_RESOURCE_TOKEN}`,
          },
        ]);
      }
      const set = new PluginBatchSet(
        name,
        inputs as unknown as BatchSetArgs,
        options,
        cwd(),
        runtime.backend(),
      );
      return { urn: set.urn, state: set.state };
    },
  };
}

/** The type of a URN (`urn:pulumi:<stack>::<project>::<type>::<name>`). */
function typeOfUrn(urn: string): string {
  const parts = urn.split("::");
  const qualified = parts[2] ?? "";
  return qualified.split("$").pop() ?? "";
}
