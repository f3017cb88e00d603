import type { BatchInputs } from "../contract";
import { type BatchResourceProvider, createBatchProvider, type RuntimeDeps } from "../runtime";
import { pluginConfigFromEnv } from "./config-source";
import { BATCH_RESOURCE_TOKEN, CONFIG_NAMESPACE } from "./names";
import { argumentsOver } from "./provider-arguments";
import { schemaText } from "./schema";
import { plainProperties } from "./secrets";
import type { ConfigurableProvider } from "./serve";

/**
 * The plugin's provider: the `@pulumi/pulumi/provider` interface over the same runtime that the
 * dynamic provider runs, so every operation has one implementation. What differs is only the
 * wiring: settings come from the provider resource's arguments (`Configure`), then the stack
 * config in `PULUMI_CONFIG` (namespace `openai-batch`), then the environment; secrets arrive
 * wrapped and are unwrapped; and the create token is keyed by the resource's URN.
 */
export function createPluginProvider(
  version: string,
  overrides: Partial<RuntimeDeps> = {},
): ConfigurableProvider {
  const runtime: BatchResourceProvider = createBatchProvider(overrides, {
    configNamespace: CONFIG_NAMESPACE,
  });
  const env = overrides.env ?? process.env;
  const stackConfig = pluginConfigFromEnv(env, CONFIG_NAMESPACE);
  // `configure` only records the settings; its promise never rejects.
  void runtime.configure({ config: stackConfig });

  return {
    version,
    getSchema: async () => schemaText(version),
    async configureWith({ args }) {
      await runtime.configure({ config: argumentsOver(args, CONFIG_NAMESPACE, stackConfig) });
    },
    async check(urn, _olds, news) {
      requireBatch(urn);
      const inputs = plainProperties(news);
      // The URN names the resource uniquely in its stack, as `resourceKey` does for the class.
      inputs.resourceKey = urn;
      return runtime.check({} as never, inputs as unknown as BatchInputs);
    },
    async diff(id, _urn, olds, news) {
      return runtime.diff(
        id,
        plainProperties(olds) as never,
        plainProperties(news) as unknown as BatchInputs,
      );
    },
    async create(urn, inputs) {
      requireBatch(urn);
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

/** The type of a URN (`urn:pulumi:<stack>::<project>::<type>::<name>`). */
function typeOfUrn(urn: string): string {
  const parts = urn.split("::");
  const qualified = parts[2] ?? "";
  return qualified.split("$").pop() ?? "";
}

function requireBatch(urn: string): void {
  const type = typeOfUrn(urn);
  if (type !== BATCH_RESOURCE_TOKEN) {
    throw new TypeError(`unknown resource type ${type}; this provider has only ${BATCH_RESOURCE_TOKEN}`);
  }
}
